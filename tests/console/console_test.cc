// The admin console's widgets against real `strata` servers on loopback (QT_QPA_PLATFORM=
// offscreen): connecting (and each way it fails), the dashboard, rooms, the room directory
// broken by the 1.4 -> 1.12.4 upgrade of a real Synapse 1.2.1 database and its repair, live
// background updates with pause/resume, 100,000 users paged as the view scrolls, the upgrade
// advisor and config lint. Saves a screenshot of each main view.
#include <yaml-cpp/yaml.h>

#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QJsonObject>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QtWidgets/QApplication>
#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>

#include "client/background_job.h"
#include "client/config_lint.h"
#include "client/known_servers.h"
#include "client/upgrade_advisor.h"
#include "storage/open_database.h"
#include "support/process.h"
#include "support/test_support.h"
#include "widgets/advisor_view.h"
#include "widgets/connect_page.h"
#include "widgets/dashboard_view.h"
#include "widgets/directory_view.h"
#include "widgets/lint_view.h"
#include "widgets/main_window.h"
#include "widgets/rooms_view.h"
#include "widgets/updates_view.h"
#include "widgets/users_view.h"

using namespace strata::console;
using namespace std::chrono_literals;
namespace st = strata::testing;

namespace {

constexpr int kLoadUsers = 100000;

QString ArtifactsDir() {
  const QByteArray env = qgetenv("STRATA_ARTIFACTS");
  QString dir = env.isEmpty() ? QString(STRATA_CONSOLE_ARTIFACTS) : QString(env) + "/console";
  QDir().mkpath(dir);
  return dir;
}

void Shot(QWidget* window, const QString& name) {
  QApplication::processEvents();
  const QString path = ArtifactsDir() + "/" + name + ".png";
  QVERIFY2(window->grab().save(path), qPrintable(path));
}

// A real strata on a loopback port, serving a copy of a real Synapse database after the
// offline upgrades `path` (as an admin would run them), with `sql` applied before it starts.
class LiveServer {
 public:
  bool Start(const std::string& dataset, const std::vector<std::string>& path,
             const std::string& serve_as, const std::vector<std::string>& sql) {
    db_ = st::CopyDataset(dataset, dir_);
    port_ = st::FreePort();
    config_ = dir_.File("homeserver.yaml");
    std::ofstream(config_) << "server_name: localhost\nreport_stats: false\n"
                              "listeners:\n  - port: "
                           << port_
                           << "\n    type: http\n    bind_addresses: ['127.0.0.1']\n"
                              "    resources:\n      - names: [client]\n"
                              "rc_login:\n  address: {per_second: 100, burst_count: 100}\n"
                              "  account: {per_second: 100, burst_count: 100}\n"
                              "  failed_attempts: {per_second: 100, burst_count: 100}\n"
                              "database:\n  name: sqlite3\n  args:\n    database: \""
                           << db_ << "\"\n";
    for (const auto& release : path) {
      auto r = st::RunCommand("'" + st::StrataBinary() + "' --config-path '" + config_ +
                              "' --upgrade-only --run-background-updates --as-release " + release);
      if (r.exit_code != 0) {
        error_ = "upgrade to " + release + " failed: " + r.output;
        return false;
      }
    }
    {
      auto conn = strata::storage::OpenDatabaseLocation(db_);
      if (!conn.ok()) {
        error_ = conn.status().message();
        return false;
      }
      strata::storage::Transaction txn(**conn);
      for (const auto& statement : sql) (*conn)->Execute(statement);
      txn.Commit();
    }
    process_ = std::make_unique<st::ChildProcess>(
        std::vector<std::string>{st::StrataBinary(), "--config-path", config_, "--as-release",
                                 serve_as},
        std::map<std::string, std::string>{}, dir_.File("server.out"));
    for (auto deadline = std::chrono::steady_clock::now() + 60s;
         std::chrono::steady_clock::now() < deadline;) {
      auto answer = st::WaitForHttp(port_, "/_matrix/client/versions", 2s);
      if (answer && answer->first == 200) return true;
      QTest::qWait(200);
    }
    error_ = "the server did not answer: " + process_->Log();
    return false;
  }
  ~LiveServer() {
    if (process_) {
      process_->Signal(SIGTERM);
      process_->Wait(20s);
    }
  }
  QString url() const { return QString("http://127.0.0.1:%1").arg(port_); }
  int port() const { return port_; }
  const std::string& database() const { return db_; }
  const std::string& error() const { return error_; }
  std::string log() const { return process_ ? process_->Log() : std::string(); }

 private:
  st::TempDir dir_;
  std::string db_;
  std::string config_;
  int port_ = 0;
  std::string error_;
  std::unique_ptr<st::ChildProcess> process_;
};

// How many access tokens `user` has on `server`, read from its database.
int64_t AccessTokens(const LiveServer& server, const std::string& user) {
  auto conn = strata::storage::OpenDatabaseLocation(server.database());
  if (!conn.ok()) return -1;
  return (*conn)
      ->QueryInt("SELECT COUNT(*) FROM access_tokens WHERE user_id = ?", {user})
      .value_or(-1);
}

// Whether `server` still accepts `token` (whoami answers 200).
bool TokenWorks(const LiveServer& server, const QString& token) {
  AdminClient probe;
  probe.setServer(QUrl(server.url()));
  probe.setAccessToken(token);
  int status = -1;
  probe.get(nullptr, "/_matrix/client/r0/account/whoami",
            [&status](const ApiReply& r) { status = r.status; });
  (void)QTest::qWaitFor([&] { return status != -1; }, 20000);  // -1 afterwards: no answer
  return status == 200;
}

QPushButton* Button(QWidget* parent, const QString& text) {
  for (auto* b : parent->findChildren<QPushButton*>()) {
    if (b->text().remove('&').startsWith(text)) return b;
  }
  return nullptr;
}

}  // namespace

class ConsoleTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void connectFailuresAreExplained();
  void dashboardShowsTheServer();
  void answersReachOnlyLiveContexts();
  void passwordLoginsLeaveNoTokenBehind();
  void roomsListDetailsMembersAndState();
  void directoryHealthShowsTheBugAndTheRepairFixesIt();
  void backgroundUpdatesPauseResumeAndRun();
  void usersPageAsTheViewScrollsAt100kUsers();
  void userActions();
  void deleteRoom();
  void advisorReadsTheCatalogueForThisServer();
  void configLintReportsKeyLineAndWhatToDo();
  void configLintFindsEveryKeyInOneTree();
  void shortcutsAndRememberedWindowState();
  void cleanupTestCase();

 private:
  void connectWindow(MainWindow& w, const LiveServer& server, const QString& user,
                     const QString& password);

  std::unique_ptr<LiveServer> broken_;  // v1.2.1-big after 1.4.0 then 1.12.4: the bug
  std::unique_ptr<LiveServer> load_;    // v1.2.1-small at 1.18.0 plus 100,000 users
  std::unique_ptr<MainWindow> window_;
  std::unique_ptr<MainWindow> load_window_;
};

void ConsoleTest::initTestCase() {
  broken_ = std::make_unique<LiveServer>();
  QVERIFY2(broken_->Start("v1.2.1-big.sqlite", {"1.4.0", "1.12.4"}, "1.12.4",
                          {"UPDATE users SET admin = 1 WHERE name = '@alice:localhost'"}),
           broken_->error().c_str());
  load_ = std::make_unique<LiveServer>();
  QVERIFY2(load_->Start("v1.2.1-small.sqlite", {st::NewestRelease()}, st::NewestRelease(),
                        {"UPDATE users SET admin = 1 WHERE name = '@alice:localhost'",
                         "INSERT INTO users (name, password_hash, creation_ts, admin, is_guest) "
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                         "i < " +
                             std::to_string(kLoadUsers) +
                             ") SELECT printf('@load%06d:localhost', i), NULL, 1600000000, 0, 0 "
                             "FROM n"}),
           load_->error().c_str());
  window_ = std::make_unique<MainWindow>();
  window_->resize(1280, 800);
  window_->show();
  QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
}

void ConsoleTest::connectWindow(MainWindow& w, const LiveServer& server, const QString& user,
                                const QString& password) {
  w.connectPage()->connectTo(server.url(), user, password);
  QVERIFY2(
      QTest::qWaitFor([&] { return w.client()->connected() || !w.connectPage()->busy(); }, 30000),
      "connecting took too long");
  QVERIFY2(w.client()->connected(), qPrintable(w.connectPage()->errorText()));
}

void ConsoleTest::connectFailuresAreExplained() {
  ConnectPage* page = window_->connectPage();
  auto attempt = [&](const QString& url, const QString& user, const QString& password) {
    page->connectTo(url, user, password);
    QVERIFY(QTest::qWaitFor([&] { return !page->busy(); }, 30000));
    QVERIFY(!window_->client()->connected());
  };
  // Nothing listens on a fresh free port.
  attempt(QString("http://127.0.0.1:%1").arg(st::FreePort()), "alice", "alicepass1");
  QVERIFY2(page->errorText().contains("Cannot reach"), qPrintable(page->errorText()));
  // TLS spoken to a plain-HTTP listener fails the handshake.
  attempt(QString("https://127.0.0.1:%1").arg(broken_->port()), "alice", "alicepass1");
  QVERIFY2(page->errorText().contains("TLS"), qPrintable(page->errorText()));
  attempt(broken_->url(), "alice", "not-her-password");
  QVERIFY2(page->errorText().contains("Wrong user name or password"),
           qPrintable(page->errorText()));
  // bob's password is right, but bob is not a server admin.
  attempt(broken_->url(), "bob", "bobpass1");
  QVERIFY2(page->errorText().contains("@bob:localhost is not a server admin"),
           qPrintable(page->errorText()));
  attempt("not a url at all", "alice", "alicepass1");
  QVERIFY2(page->errorText().contains("Not a server URL"), qPrintable(page->errorText()));
  Shot(window_.get(), "connect-error");
}

void ConsoleTest::dashboardShowsTheServer() {
  QSignalSpy refreshed(window_->dashboard(), &DashboardView::refreshed);
  connectWindow(*window_, *broken_, "alice", "alicepass1");
  QCOMPARE(window_->client()->userId(), QString("@alice:localhost"));
  // The server and user name are remembered; the password is not, anywhere in the settings.
  const auto known = LoadKnownServers();
  QVERIFY(!known.isEmpty());
  QCOMPARE(known.first().url, broken_->url());
  QCOMPARE(known.first().user, QString("alice"));
  QFile settings_file(QSettings().fileName());
  QVERIFY(settings_file.open(QIODevice::ReadOnly));
  QVERIFY(!settings_file.readAll().contains("alicepass1"));
  QVERIFY(refreshed.wait(20000) || refreshed.count() > 0);
  DashboardView* d = window_->dashboard();
  QCOMPARE(d->field("behaves_as"), QString("1.12.4"));
  QVERIFY2(d->field("schema").startsWith("57"), qPrintable(d->field("schema")));
  QVERIFY2(d->field("engine").startsWith("SQLite: "), qPrintable(d->field("engine")));
  QVERIFY2(d->field("engine").contains(QString::fromStdString(broken_->database())),
           qPrintable(d->field("engine")));
  QCOMPARE(d->field("users"), QString("122"));  // alice, bob and u000..u119
  QCOMPARE(d->field("rooms"), QString("4"));
  QVERIFY2(d->field("directory").contains("3 published"), qPrintable(d->field("directory")));
  QVERIFY2(d->field("directory").contains("hidden by stale statistics"),
           qPrintable(d->field("directory")));
  QVERIFY2(d->field("version").contains(STRATA_VERSION), qPrintable(d->field("version")));
  // It refreshes on its own.
  refreshed.clear();
  QVERIFY(refreshed.wait(8000));
  Shot(window_.get(), "dashboard");
}

void ConsoleTest::answersReachOnlyLiveContexts() {
  AdminClient client;
  client.setServer(QUrl(broken_->url()));
  int live_calls = 0;
  int dead_calls = 0;
  QObject live;
  auto* dead = new QObject;
  client.get(&live, "/_matrix/client/versions", [&](const ApiReply& r) {
    QVERIFY(r.ok());
    ++live_calls;
  });
  client.get(dead, "/_matrix/client/versions", [&](const ApiReply&) { ++dead_calls; });
  delete dead;  // a view closed before its answer arrived
  QCOMPARE(client.requestsInFlight(), 2);
  QVERIFY(QTest::qWaitFor([&] { return client.requestsInFlight() == 0; }, 20000));
  QCOMPARE(live_calls, 1);
  QCOMPARE(dead_calls, 0);
}

void ConsoleTest::passwordLoginsLeaveNoTokenBehind() {
  const int64_t before = AccessTokens(*broken_, "@alice:localhost");
  QVERIFY(before >= 1);  // the window's own connection
  const QUrl url(broken_->url());
  auto connect = [&](AdminClient& c, const QString& token) {
    ApiReply result;
    bool done = false;
    auto cb = [&](const ApiReply& r) {
      result = r;
      done = true;
    };
    if (token.isEmpty())
      c.connectWithPassword(url, "alice", "alicepass1", cb);
    else
      c.connectWithToken(url, token, cb);
    if (!QTest::qWaitFor([&] { return done; }, 30000)) result.failure = ApiReply::Failure::kTimeout;
    return result;
  };
  // A password login makes a token; disconnecting logs it out on the server.
  AdminClient a;
  QVERIFY2(connect(a, "").ok(), "password login failed");
  QVERIFY(a.ownsToken());
  const QString token = a.accessToken();
  QCOMPARE(AccessTokens(*broken_, "@alice:localhost"), before + 1);
  // A pasted token is the operator's: the console uses it and leaves it alone.
  {
    AdminClient b;
    QVERIFY(connect(b, token).ok());
    QVERIFY(!b.ownsToken());
    b.disconnectFromServer();
    QVERIFY(QTest::qWaitFor([&] { return b.requestsInFlight() == 0; }, 20000));
  }
  QVERIFY(TokenWorks(*broken_, token));
  a.disconnectFromServer();
  QVERIFY(QTest::qWaitFor([&] { return a.requestsInFlight() == 0; }, 20000));
  QVERIFY(!TokenWorks(*broken_, token));
  QCOMPARE(AccessTokens(*broken_, "@alice:localhost"), before);

  // Disconnecting while the login is on its way: the late answer connects nothing and the
  // token the server made is logged out too.
  AdminClient late;
  ApiReply result;
  bool done = false;
  late.connectWithPassword(url, "alice", "alicepass1", [&](const ApiReply& r) {
    result = r;
    done = true;
  });
  QVERIFY(QTest::qWaitFor([&] { return late.requestsStarted() >= 2; }, 20000));  // the login
  late.disconnectFromServer();
  QVERIFY(QTest::qWaitFor([&] { return done && late.requestsInFlight() == 0; }, 20000));
  QCOMPARE(result.failure, ApiReply::Failure::kCancelled);
  QVERIFY(!late.connected());
  QVERIFY(late.accessToken().isEmpty());
  QCOMPARE(late.requestsStarted(), 3);  // versions, login, then logout of the late token
  QCOMPARE(AccessTokens(*broken_, "@alice:localhost"), before);
}

void ConsoleTest::roomsListDetailsMembersAndState() {
  window_->showPage(MainWindow::kRooms);
  RoomsView* rooms = window_->rooms();
  QVERIFY(QTest::qWaitFor([&] { return rooms->model()->total() >= 0; }, 20000));
  QCOMPARE(rooms->model()->rowCount(), rooms->model()->total());
  QVERIFY(rooms->model()->total() >= 3);
  // Sort by members through the header, as a user would: the API's order_by.
  rooms->table()->horizontalHeader()->setSortIndicator(3, Qt::AscendingOrder);
  QCOMPARE(rooms->model()->sortKey(), QString("joined_members"));
  QVERIFY(QTest::qWaitFor([&] { return rooms->model()->total() >= 0; }, 20000));
  // Pick the room with most members (the last in ascending order) and open it.
  const int last = rooms->model()->rowCount() - 1;
  QVERIFY(last >= 0);
  QSignalSpy loaded(rooms, &RoomsView::roomLoaded);
  rooms->table()->selectRow(last);
  QVERIFY(loaded.wait(20000));
  QVERIFY2(rooms->memberCount() > 100, qPrintable(QString::number(rooms->memberCount())));
  QVERIFY(rooms->stateText().contains("m.room.create"));
  QVERIFY(rooms->stateText().contains("m.room.name"));
  Shot(window_.get(), "rooms");
  // Hide the room from the directory and publish it again: rooms.is_public follows.
  const QString room = rooms->currentRoom();
  auto published = [&]() -> QString {
    for (int row = 0; row < rooms->model()->rowCount(); ++row) {
      const QJsonObject r = rooms->model()->rowObject(row);
      if (r.value("room_id").toString() == room) return r.value("public").toBool() ? "yes" : "no";
    }
    return "missing";
  };
  QCOMPARE(published(), QString("yes"));
  QSignalSpy acted(rooms, &RoomsView::actionFinished);
  rooms->setPublished(room, false);
  QVERIFY(acted.wait(20000));
  QVERIFY2(acted.last().first().toBool(), qPrintable(rooms->message()));
  QVERIFY(QTest::qWaitFor([&] { return published() == "no"; }, 20000));
  rooms->setPublished(room, true);
  QVERIFY(acted.wait(20000));
  QVERIFY(QTest::qWaitFor([&] { return published() == "yes"; }, 20000));
}

void ConsoleTest::directoryHealthShowsTheBugAndTheRepairFixesIt() {
  DirectoryView* dir = window_->directory();
  QSignalSpy refreshed(dir, &DirectoryView::refreshed);
  window_->showPage(MainWindow::kDirectory);
  QVERIFY(refreshed.wait(20000));
  QCOMPARE(dir->publishedCount(), 3);
  QVERIFY2(dir->hiddenCount() > 0, qPrintable(dir->summary()));
  QCOMPARE(dir->listedCount(), 3 - dir->hiddenCount());
  // The broken rows say why.
  int explained = 0;
  for (int row = 0; row < dir->table()->rowCount(); ++row) {
    if (dir->table()->item(row, 7)->text().contains("joined_members is 0 but")) ++explained;
  }
  QCOMPARE(explained, dir->hiddenCount());
  Shot(window_.get(), "directory-broken");
  // Asked again while loading, it loads once more (not once per call, not never).
  refreshed.clear();
  dir->refresh();
  dir->refresh();
  dir->refresh();
  QVERIFY(QTest::qWaitFor([&] { return refreshed.count() >= 2; }, 20000));
  QTest::qWait(500);
  QCOMPARE(refreshed.count(), 2);

  QSignalSpy finished(dir, &DirectoryView::repairFinished);
  QPushButton* repair = Button(dir, "Repair room statistics");
  QVERIFY(repair);
  QTest::mouseClick(repair, Qt::LeftButton);
  QVERIFY(dir->repairing());
  QTest::qWait(1500);
  Shot(window_.get(), "directory-repairing");
  QVERIFY2(finished.wait(180000) || finished.count() > 0, broken_->log().c_str());
  QCOMPARE(finished.first().first().toBool(), true);
  QVERIFY(QTest::qWaitFor([&] { return dir->listedCount() == 3; }, 20000));
  QCOMPARE(dir->hiddenCount(), 0);
  QCOMPARE(dir->publishedCount(), 3);
  Shot(window_.get(), "directory-repaired");
}

void ConsoleTest::backgroundUpdatesPauseResumeAndRun() {
  window_->showPage(MainWindow::kUpdates);
  UpdatesView* updates = window_->updates();
  QSignalSpy done(updates, &UpdatesView::actionFinished);
  updates->setEnabledOnServer(false);
  QVERIFY(done.wait(10000));
  QVERIFY(QTest::qWaitFor([&] { return !updates->serverEnabled(); }, 10000));
  updates->startJob("populate_stats_process_rooms");
  QVERIFY(done.wait(10000));
  QVERIFY2(done.last().first().toBool(), qPrintable(updates->message()));
  // Paused: both stay queued, the second depending on the first.
  QTest::qWait(2500);
  QVERIFY(QTest::qWaitFor([&] { return updates->pendingCount() == 2; }, 10000));
  QTableWidget* t = updates->table();
  QStringList names;
  for (int row = 0; row < t->rowCount(); ++row) names << t->item(row, 0)->text();
  QVERIFY(names.contains("populate_stats_process_users"));
  const int users_row = static_cast<int>(names.indexOf("populate_stats_process_users"));
  QCOMPARE(t->item(users_row, 1)->text(), QString("populate_stats_process_rooms"));
  Shot(window_.get(), "background-updates-paused");
  // The directory's Repair finds the job queued (the status says so, not the error text) and
  // follows it instead of failing; it polls one status request at a time.
  DirectoryView* dir = window_->directory();
  QSignalSpy repair_started(dir->repairJob(), &BackgroundJob::started);
  QSignalSpy repaired(dir, &DirectoryView::repairFinished);
  dir->repair();
  QVERIFY(repair_started.wait(10000));
  QCOMPARE(repair_started.first().at(0).toBool(), true);
  QVERIFY2(repair_started.first().at(1).toString().contains("already queued"),
           qPrintable(repair_started.first().at(1).toString()));
  QVERIFY(dir->repairing());
  updates->setEnabledOnServer(true);
  QVERIFY(done.wait(10000));
  QVERIFY(QTest::qWaitFor([&] { return updates->serverEnabled(); }, 10000));
  QVERIFY2(QTest::qWaitFor([&] { return updates->pendingCount() == 0; }, 180000),
           broken_->log().c_str());
  QVERIFY(repaired.wait(10000) || repaired.count() > 0);
  QCOMPARE(repaired.first().first().toBool(), true);
  Shot(window_.get(), "background-updates-done");

  // An update that fails is shown failed (not "running" for ever), and starting the job again
  // retries it once the cause is gone.
  QVERIFY2(QTest::qWaitFor([&] { return updates->message().contains("finished"); }, 20000),
           qPrintable(updates->message()));
  {
    auto conn = strata::storage::OpenDatabaseLocation(broken_->database());
    QVERIFY(conn.ok());
    (*conn)->Execute(
        "INSERT INTO background_updates (update_name, progress_json) VALUES "
        "('populate_stats_process_rooms', 'not json')");
  }
  QVERIFY2(QTest::qWaitFor([&] { return updates->failedCount() == 1; }, 20000),
           broken_->log().c_str());
  QVERIFY(broken_->log().find("waiting for new ones") != std::string::npos);
  updates->startJob("populate_stats_process_rooms");
  QVERIFY(done.wait(10000));
  QVERIFY2(done.last().first().toBool(), qPrintable(updates->message()));
  // Retried, it fails again the same way: the job reports the server's error.
  QVERIFY2(QTest::qWaitFor([&] { return updates->message().contains("failed: "); }, 20000),
           qPrintable(updates->message()));
  QVERIFY2(updates->message().contains("progress_json is not a JSON object"),
           qPrintable(updates->message()));
  {
    auto conn = strata::storage::OpenDatabaseLocation(broken_->database());
    QVERIFY(conn.ok());
    (*conn)->Execute("UPDATE background_updates SET progress_json = '{}'");
  }
  updates->startJob("populate_stats_process_rooms");
  QVERIFY(done.wait(10000));
  QVERIFY2(done.last().first().toBool(), qPrintable(updates->message()));
  QVERIFY2(QTest::qWaitFor([&] { return updates->pendingCount() == 0; }, 60000),
           broken_->log().c_str());
  QVERIFY2(QTest::qWaitFor([&] { return updates->message().contains("finished"); }, 20000),
           qPrintable(updates->message()));
  QCOMPARE(updates->failedCount(), 0);
}

void ConsoleTest::usersPageAsTheViewScrollsAt100kUsers() {
  load_window_ = std::make_unique<MainWindow>();
  load_window_->resize(1280, 800);
  load_window_->show();
  QVERIFY(QTest::qWaitForWindowExposed(load_window_.get()));
  connectWindow(*load_window_, *load_, "alice", "alicepass1");
  load_window_->showPage(MainWindow::kUsers);
  PagedModel* model = load_window_->users()->model();
  QVERIFY(QTest::qWaitFor([&] { return model->rowCount() > 0 && !model->loading(); }, 30000));
  QTest::qWait(300);  // let the view ask for whatever it wants
  QCOMPARE(model->total(), kLoadUsers + 2);
  // One page fills the viewport: nothing else was asked for.
  QCOMPARE(model->requestedOffsets(), QVector<int>({0}));
  QCOMPARE(model->rowCount(), model->pageSize());
  Shot(load_window_.get(), "users");
  // Scrolling to the end of what is loaded fetches the next page, and only that.
  QTableView* table = load_window_->users()->table();
  table->scrollToBottom();
  QVERIFY(QTest::qWaitFor([&] { return model->rowCount() == 2 * model->pageSize(); }, 20000));
  QTest::qWait(300);
  QCOMPARE(model->requestedOffsets(), QVector<int>({0, model->pageSize()}));
  // Searching asks the server, from the first page again.
  load_window_->users()->setSearch("load09999");
  QVERIFY(QTest::qWaitFor([&] { return model->total() == 10 && !model->loading(); }, 20000));
  QCOMPARE(model->rowCount(), 10);
  QCOMPARE(model->requestedOffsets(), QVector<int>({0}));
}

void ConsoleTest::userActions() {
  UsersView* users = load_window_->users();
  QSignalSpy done(users, &UsersView::actionFinished);
  const QString id = "@carol:localhost";
  users->createUser(id, "carolpass1", false);
  QVERIFY(done.wait(20000));
  QVERIFY2(done.last().first().toBool(), qPrintable(users->message()));
  QCOMPARE(users->message(), "Created " + id);
  users->setAdmin(id, true);
  QVERIFY(done.wait(20000));
  QVERIFY2(done.last().first().toBool(), qPrintable(users->message()));
  users->setSearch("carol");
  QVERIFY(QTest::qWaitFor([&] { return users->model()->total() == 1; }, 20000));
  QCOMPARE(users->model()->data(users->model()->index(0, 2), Qt::DisplayRole).toString(),
           QString("yes"));
  users->setAdmin(id, false);
  QVERIFY(done.wait(20000));
  users->resetPassword(id, "carolpass2");
  QVERIFY(done.wait(20000));
  QVERIFY2(done.last().first().toBool(), qPrintable(users->message()));
  // The new password works: a second console logs in with it (and is refused: not an admin).
  MainWindow other;
  other.connectPage()->connectTo(load_->url(), "carol", "carolpass2");
  QVERIFY(QTest::qWaitFor([&] { return !other.connectPage()->busy(); }, 30000));
  QVERIFY2(other.connectPage()->errorText().contains("not a server admin"),
           qPrintable(other.connectPage()->errorText()));
  users->whois(id);
  QVERIFY(done.wait(20000));
  QVERIFY2(done.last().first().toBool(), qPrintable(users->message()));
  users->deactivate(id);
  QVERIFY(done.wait(20000));
  QVERIFY2(done.last().first().toBool(), qPrintable(users->message()));
  QVERIFY(QTest::qWaitFor([&] { return users->model()->rowCount() == 1; }, 20000));
  QCOMPARE(users->model()->data(users->model()->index(0, 3), Qt::DisplayRole).toString(),
           QString("yes"));
  // Failures are reported, not swallowed.
  users->deactivate("@nobody:localhost");
  QVERIFY(done.wait(20000));
  QCOMPARE(done.last().first().toBool(), false);
  QVERIFY(users->message().contains("M_NOT_FOUND"));
}

void ConsoleTest::deleteRoom() {
  load_window_->showPage(MainWindow::kRooms);
  RoomsView* rooms = load_window_->rooms();
  QVERIFY(QTest::qWaitFor([&] { return rooms->model()->total() >= 0; }, 20000));
  const int before = rooms->model()->total();
  QString victim;
  for (int row = 0; row < rooms->model()->rowCount(); ++row) {
    const QJsonObject r = rooms->model()->rowObject(row);
    if (r.value("name").toString() == "Private room") victim = r.value("room_id").toString();
  }
  QVERIFY(!victim.isEmpty());
  QSignalSpy acted(rooms, &RoomsView::actionFinished);
  rooms->deleteRoom(victim);
  QVERIFY(acted.wait(30000));
  QVERIFY2(acted.last().first().toBool(), qPrintable(rooms->message()));
  QVERIFY(QTest::qWaitFor([&] { return rooms->model()->total() == before - 1; }, 20000));
  for (int row = 0; row < rooms->model()->rowCount(); ++row) {
    QVERIFY(rooms->model()->rowObject(row).value("room_id").toString() != victim);
  }
}

void ConsoleTest::advisorReadsTheCatalogueForThisServer() {
  window_->showPage(MainWindow::kAdvisor);
  AdvisorView* advisor = window_->advisor();
  // The dashboard handed the advisor the server's release, engine and database.
  QVERIFY(advisor->matrixCommand().contains(QString::fromStdString(broken_->database())));
  advisor->setTarget(QString::fromStdString(st::NewestRelease()));
  QVERIFY2(advisor->matrixCommand().endsWith(
               QString::fromStdString("--path 1.12.4," + st::NewestRelease())),
           qPrintable(advisor->matrixCommand()));
  QVERIFY(advisor->planText().contains("== 1.13.0"));
  QVERIFY(!advisor->planText().contains("== 1.12.4"));
  Shot(window_.get(), "upgrade-advisor");
  // The pre-checks run on the server: none on 1.12.4 -> 1.18.0, whose notes have no query.
  QSignalSpy prechecked(advisor, &AdvisorView::prechecksFinished);
  advisor->runPrechecks();
  QVERIFY(prechecked.wait(20000));
  QVERIFY(prechecked.last().first().toBool());
  QCOMPARE(advisor->precheckText(), QString("no pre-check"));

  // From 1.4.0 on SQLite: the 1.12 pre-check in the form SQLite accepts, with the warning that
  // rooms.room_version does not exist yet at that point of the path.
  auto plan = PlanUpgrade(strata::schema::Catalogue::Builtin(), "1.4.0", "1.12.4",
                          strata::storage::Engine::kSqlite, "/srv/h.db");
  QVERIFY(plan.ok());
  const std::string text = FormatPlan(*plan);
  QVERIFY(text.find(") AS v FROM rooms") != std::string::npos);
  QVERIFY(text.find("CREATE INDEX tmp_upgrade_1_12_0_index") != std::string::npos);
  QVERIFY(text.find("CREATE INDEX CONCURRENTLY") == std::string::npos);
  QVERIFY(text.find("WARNING: This query reads rooms.room_version") != std::string::npos);
  QCOMPARE(QString::fromStdString(plan->matrix_command).left(40),
           QString("strata-matrix --database /srv/h.db --pat"));
  auto pg = PlanUpgrade(strata::schema::Catalogue::Builtin(), "1.11.0", "1.12.4",
                        strata::storage::Engine::kPostgres, "synapse");
  QVERIFY(pg.ok());
  const std::string pg_text = FormatPlan(*pg);
  QVERIFY(pg_text.find("CREATE INDEX CONCURRENTLY") != std::string::npos);
  QVERIFY(pg_text.find("WARNING") == std::string::npos);  // schema 57 is there by 1.11
  QVERIFY(pg->matrix_command.find("postgresql:///synapse") != std::string::npos);
  QVERIFY(!PlanUpgrade(strata::schema::Catalogue::Builtin(), "1.12.4", "1.4.0",
                       strata::storage::Engine::kSqlite, "")
               .ok());
}

void ConsoleTest::configLintReportsKeyLineAndWhatToDo() {
  st::TempDir dir;
  const std::string path = dir.File("homeserver.yaml");
  std::ofstream(path) << "server_name: example.org\n"        // 1
                         "listeners:\n"                      // 2
                         "  - port: 8008\n"                  // 3
                         "    type: http\n"                  // 4
                         "    resources:\n"                  // 5
                         "      - names: [client]\n"         // 6
                         "log_file: /var/log/synapse.log\n"  // 7
                         "email:\n"                          // 8
                         "  smtp_host: mail.example.org\n";  // 9
  window_->showPage(MainWindow::kLint);
  LintView* lint = window_->lint();
  lint->lintFile(QString::fromStdString(path));
  const auto& r = lint->result();
  QVERIFY(r.errors >= 3);
  auto find = [&](const std::string& key) -> const strata::config::Problem* {
    for (const auto& p : r.problems) {
      if (p.key == key) return &p;
    }
    return nullptr;
  };
  const auto* log_file = find("log_file");
  QVERIFY(log_file);
  QCOMPARE(log_file->line, 7);
  QVERIFY(log_file->message.find("log_config") != std::string::npos);
  const auto* report_stats = find("report_stats");
  QVERIFY(report_stats);
  QVERIFY(report_stats->message.find("report_stats") != std::string::npos);
  bool email = false;
  for (const auto& p : r.problems) {
    if (p.key.rfind("email", 0) == 0) {
      email = true;
      QCOMPARE(p.line > 0, true);  // the email block is there: its line is given
    }
  }
  QVERIFY(email);
  // The table shows the same: key, line, what to do.
  QTableWidget* t = lint->table();
  QCOMPARE(t->rowCount(), static_cast<int>(r.problems.size()));
  bool row_found = false;
  for (int row = 0; row < t->rowCount(); ++row) {
    if (t->item(row, 1)->text() == "log_file") {
      row_found = true;
      QCOMPARE(t->item(row, 2)->text(), QString("7"));
      QVERIFY(!t->item(row, 4)->text().isEmpty());
    }
  }
  QVERIFY(row_found);
  Shot(window_.get(), "config-lint");
}

void ConsoleTest::configLintFindsEveryKeyInOneTree() {
  const YAML::Node root = YAML::Load(
      "server_name: example.org\n"        // 1
      "listeners:\n"                      // 2
      "  - port: 8008\n"                  // 3
      "    resources:\n"                  // 4
      "      - names: [client]\n"         // 5
      "log_file: /var/log/synapse.log\n"  // 6
      "email:\n"                          // 7
      "  smtp_host: mail.example.org\n"   // 8
      "  smtp_port: 25\n");               // 9
  // Many lookups in the same tree, as the lint makes one per problem: each finds its own line.
  QCOMPARE(LineOf(root, "email.smtp_port"), 9);
  QCOMPARE(LineOf(root, "log_file"), 6);
  QCOMPARE(LineOf(root, "listeners.0.resources.0.names"), 5);
  QCOMPARE(LineOf(root, "email.no_such_key"), 7);  // the deepest present parent
  QCOMPARE(LineOf(root, "listeners.3.port"), 2);
  QCOMPARE(LineOf(root, "email.smtp_host"), 8);
  QCOMPARE(LineOf(root, "no_such_key"), 0);
  QCOMPARE(LineOf(root, "server_name"), 1);
  QCOMPARE(root["email"]["smtp_port"].as<int>(), 25);  // and the tree is unchanged
  QCOMPARE(root["log_file"].as<std::string>(), std::string("/var/log/synapse.log"));
}

void ConsoleTest::shortcutsAndRememberedWindowState() {
  QApplication::setActiveWindow(window_.get());
  QVERIFY(QTest::qWaitForWindowActive(window_.get()));
  QTest::keyClick(window_.get(), Qt::Key_4, Qt::ControlModifier);
  QCOMPARE(window_->currentPage(), MainWindow::kRooms);
  QTest::keyClick(window_.get(), Qt::Key_5, Qt::ControlModifier);
  QCOMPARE(window_->currentPage(), MainWindow::kDirectory);
  QTest::keyClick(window_.get(), Qt::Key_2, Qt::ControlModifier);
  QCOMPARE(window_->currentPage(), MainWindow::kDashboard);
  QSignalSpy refreshed(window_->dashboard(), &DashboardView::refreshed);
  QTest::keyClick(window_.get(), Qt::Key_F5);
  QVERIFY(refreshed.wait(20000));
  // Closing remembers the window's geometry; a new window comes back the same size.
  window_->resize(1100, 700);
  const QString token = window_->client()->accessToken();
  QVERIFY(TokenWorks(*broken_, token));
  window_->close();
  // Closing logged out the token the password login made.
  QVERIFY(!TokenWorks(*broken_, token));
  QVERIFY(QSettings().contains("window/geometry"));
  MainWindow again;
  QCOMPARE(again.size(), QSize(1100, 700));
}

void ConsoleTest::cleanupTestCase() {
  load_window_.reset();
  window_.reset();
  load_.reset();
  broken_.reset();
}

int main(int argc, char** argv) {
  // Remembered servers and window state go to a scratch settings folder, not the user's.
  st::TempDir settings;
  qputenv("XDG_CONFIG_HOME", settings.path().c_str());
  QApplication app(argc, argv);
  QApplication::setOrganizationName("StrataConsoleTest");
  QApplication::setApplicationName("console_test");
  ConsoleTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "console_test.moc"
