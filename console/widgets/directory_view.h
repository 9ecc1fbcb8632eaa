// Room directory health: the directory as a client sees it (/publicRooms) beside every
// published room (rooms.is_public) with the rows that explain a difference
// (room_stats_current.joined_members against the members actually joined, a missing
// room_stats_state row): the 1.4-1.12 statistics bug made visible. "Repair" queues the
// documented repair (populate_stats_process_rooms, then _users) and shows it run to the end.
#pragma once

#include <QWidget>

#include "client/admin_client.h"
#include "client/background_job.h"
#include "client/directory_health.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace strata::console {

class DirectoryView : public QWidget {
  Q_OBJECT
 public:
  DirectoryView(AdminClient* client, QWidget* parent = nullptr);

  // Loads the health and /publicRooms; asked while loading, loads once more afterwards.
  void refresh();
  // Starts the repair job and follows it (BackgroundJob) until it ends.
  void repair();
  BackgroundJob* repairJob() const { return job_; }

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
  void render(const DirectoryHealth& health, const QVector<PublicRoom>& client_view);
  void endRepair(bool ok, const QString& message);

  AdminClient* client_;
  QLabel* summary_;
  QListWidget* directory_;
  QTableWidget* table_;
  QPushButton* repair_;
  QProgressBar* progress_;
  QLabel* progress_text_;
  BackgroundJob* job_;
  int published_ = 0;
  int listed_ = 0;
  int hidden_ = 0;
  bool repairing_ = false;
  bool loading_ = false;
  bool refresh_again_ = false;  // asked while loading: load once more after
};

}  // namespace strata::console
