// The console's window: one tab per view (Connect, Dashboard, Users, Rooms, Directory health,
// Background updates, Upgrade advisor, Config lint), keyboard shortcuts (Ctrl+1..8, F5,
// Ctrl+F), a status bar with the connection and network activity, and the window's geometry
// remembered between runs. Works at 1280x800.
#pragma once

#include <QMainWindow>

#include "client/admin_client.h"

class QLabel;
class QTabWidget;

namespace strata::console {

class ConnectPage;
class DashboardView;
class UsersView;
class RoomsView;
class DirectoryView;
class UpdatesView;
class AdvisorView;
class LintView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  // Deletes the views before client_, which they point to.
  ~MainWindow() override;

  enum Page { kConnect, kDashboard, kUsers, kRooms, kDirectory, kUpdates, kAdvisor, kLint };
  void showPage(Page page);
  Page currentPage() const;
  QWidget* page(Page page) const;

  AdminClient* client() { return &client_; }
  ConnectPage* connectPage() const { return connect_; }
  DashboardView* dashboard() const { return dashboard_; }
  UsersView* users() const { return users_; }
  RoomsView* rooms() const { return rooms_; }
  DirectoryView* directory() const { return directory_; }
  UpdatesView* updates() const { return updates_; }
  AdvisorView* advisor() const { return advisor_; }
  LintView* lint() const { return lint_; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void refreshCurrent();
  void setConnected(bool on);

  AdminClient client_;  // outlives the views: ~MainWindow deletes them first
  QTabWidget* tabs_;
  ConnectPage* connect_;
  DashboardView* dashboard_;
  UsersView* users_;
  RoomsView* rooms_;
  DirectoryView* directory_;
  UpdatesView* updates_;
  AdvisorView* advisor_;
  LintView* lint_;
  QLabel* connection_;
  QLabel* activity_;
};

}  // namespace strata::console
