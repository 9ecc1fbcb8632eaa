#include "widgets/main_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include "widgets/advisor_view.h"
#include "widgets/connect_page.h"
#include "widgets/dashboard_view.h"
#include "widgets/directory_view.h"
#include "widgets/lint_view.h"
#include "widgets/rooms_view.h"
#include "widgets/updates_view.h"
#include "widgets/users_view.h"

namespace strata::console {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("Strata console");
  tabs_ = new QTabWidget;
  connect_ = new ConnectPage(&client_);
  dashboard_ = new DashboardView(&client_);
  users_ = new UsersView(&client_);
  rooms_ = new RoomsView(&client_);
  directory_ = new DirectoryView(&client_);
  updates_ = new UpdatesView(&client_);
  advisor_ = new AdvisorView(&client_);
  lint_ = new LintView;
  tabs_->addTab(connect_, "&Connect");
  tabs_->addTab(dashboard_, "&Dashboard");
  tabs_->addTab(users_, "&Users");
  tabs_->addTab(rooms_, "&Rooms");
  tabs_->addTab(directory_, "Directory &health");
  tabs_->addTab(updates_, "&Background updates");
  tabs_->addTab(advisor_, "Upgrade &advisor");
  tabs_->addTab(lint_, "Config &lint");
  setCentralWidget(tabs_);

  connection_ = new QLabel("Not connected");
  activity_ = new QLabel;
  statusBar()->addWidget(connection_, 1);
  statusBar()->addPermanentWidget(activity_);

  QMenu* file = menuBar()->addMenu("&File");
  QAction* disconnect_action = file->addAction("&Disconnect");
  connect(disconnect_action, &QAction::triggered, this, [this] {
    client_.disconnectFromServer();
    showPage(kConnect);
  });
  file->addSeparator();
  QAction* quit = file->addAction("&Quit");
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);
  QMenu* view = menuBar()->addMenu("&View");
  QAction* refresh = view->addAction("&Refresh");
  refresh->setShortcut(QKeySequence::Refresh);
  connect(refresh, &QAction::triggered, this, &MainWindow::refreshCurrent);
  QAction* find = view->addAction("&Find");
  find->setShortcut(QKeySequence::Find);
  connect(find, &QAction::triggered, this, [this] {
    if (auto* edit = tabs_->currentWidget()->findChild<QLineEdit*>()) edit->setFocus();
  });
  view->addSeparator();
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* go = view->addAction(tabs_->tabText(i).remove('&'));
    go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    connect(go, &QAction::triggered, this, [this, i] {
      if (tabs_->isTabEnabled(i)) tabs_->setCurrentIndex(i);
    });
  }

  connect(connect_, &ConnectPage::connected, this, [this] { showPage(kDashboard); });
  connect(&client_, &AdminClient::connectionChanged, this, &MainWindow::setConnected);
  connect(&client_, &AdminClient::busyChanged, this,
          [this](bool busy) { activity_->setText(busy ? "Talking to the server..." : ""); });
  connect(dashboard_, &DashboardView::schemaLoaded, advisor_, &AdvisorView::setServer);
  connect(directory_, &DirectoryView::repairFinished, dashboard_, &DashboardView::refresh);
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) {
    if (i == kDirectory) directory_->refresh();
  });
  setConnected(false);

  QSettings settings;
  resize(1280, 800);
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
}

MainWindow::~MainWindow() {
  // The views hold raw AdminClient pointers and client_ dies after this body.
  disconnect(tabs_, nullptr, this, nullptr);
  delete tabs_;
}

QWidget* MainWindow::page(Page p) const {
  return tabs_->widget(p);
}

void MainWindow::showPage(Page p) {
  tabs_->setCurrentIndex(p);
}

MainWindow::Page MainWindow::currentPage() const {
  return static_cast<Page>(tabs_->currentIndex());
}

void MainWindow::setConnected(bool on) {
  for (Page p : {kDashboard, kUsers, kRooms, kDirectory, kUpdates}) tabs_->setTabEnabled(p, on);
  connection_->setText(
      on ? QString("Connected to %1 as %2").arg(client_.server().toString(), client_.userId())
         : QString("Not connected (the advisor and config lint work offline)"));
}

void MainWindow::refreshCurrent() {
  switch (tabs_->currentIndex()) {
    case kDashboard:
      dashboard_->refresh();
      break;
    case kUsers:
      users_->model()->reload();
      break;
    case kRooms:
      rooms_->model()->reload();
      break;
    case kDirectory:
      directory_->refresh();
      break;
    case kUpdates:
      updates_->refresh();
      break;
    default:
      break;
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  // Log out the token a password login made, before the process may end.
  client_.disconnectAndWait(3000);
  QMainWindow::closeEvent(event);
}

}  // namespace strata::console
