// strata-console: the Qt 6 admin console for Strata and Synapse-compatible servers.
#include <QApplication>
#include <QCommandLineParser>

#include "widgets/connect_page.h"
#include "widgets/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Strata");
  QApplication::setApplicationName("strata-console");
  QApplication::setApplicationVersion(STRATA_VERSION);
  QCommandLineParser parser;
  parser.setApplicationDescription("Administer a Strata or Synapse-compatible homeserver.");
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption server({"s", "server"}, "Server URL to connect to.", "url");
  QCommandLineOption user({"u", "user"}, "User name to log in with.", "user");
  QCommandLineOption password_env(
      "password-env", "Read the password from this environment variable (never stored).", "var");
  QCommandLineOption page("page",
                          "Page to show after connecting: dashboard, users, rooms, directory, "
                          "updates, advisor, lint.",
                          "name", "dashboard");
  parser.addOptions({server, user, password_env, page});
  parser.process(app);

  strata::console::MainWindow window;
  window.show();
  const QStringList pages = {"connect",   "dashboard", "users",   "rooms",
                             "directory", "updates",   "advisor", "lint"};
  const auto wanted = static_cast<strata::console::MainWindow::Page>(
      std::max<qsizetype>(0, pages.indexOf(parser.value(page))));
  QObject::connect(window.connectPage(), &strata::console::ConnectPage::connected, &window,
                   [&window, wanted] { window.showPage(wanted); });
  if (parser.isSet(server) && parser.isSet(user) && parser.isSet(password_env)) {
    window.connectPage()->connectTo(parser.value(server), parser.value(user),
                                    qEnvironmentVariable(parser.value(password_env).toUtf8()));
  }
  return app.exec();
}
