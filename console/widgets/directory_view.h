// Room directory health: the directory as a client sees it (/publicRooms) beside every
// published room (rooms.is_public) with the rows that explain a difference
// (room_stats_current.joined_members against the members actually joined, a missing
// room_stats_state row): the 1.4-1.12 statistics bug made visible. "Repair" queues the
// documented repair (populate_stats_process_rooms, then _users) and shows it run to the end.
#pragma once

#include <QJsonArray>
#include <QWidget>

#include "client/admin_client.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace strata::console {

class DirectoryView : public QWidget {
  Q_OBJECT
 public:
  DirectoryView(AdminClient* client, QWidget* parent = nullptr);

  void refresh();
  void repair();

  // What the view shows, for tests and the status bar.
  int publishedCount() const { return published_; }
  int listedCount() const { return listed_; }
  int hiddenCount() const { return hidden_; }
  bool repairing() const { return repairing_; }
  QString summary() const;
  QTableWidget* table() const { return table_; }

 signals:
  void refreshed();
  void repairFinished(bool ok);

 private:
  void render(const QJsonObject& health, const QJsonArray& client_view);
  void pollRepair();

  AdminClient* client_;
  QLabel* summary_;
  QListWidget* directory_;
  QTableWidget* table_;
  QPushButton* repair_;
  QProgressBar* progress_;
  QLabel* progress_text_;
  QTimer* poll_;
  int published_ = 0;
  int listed_ = 0;
  int hidden_ = 0;
  bool repairing_ = false;
  bool loading_ = false;
};

}  // namespace strata::console
