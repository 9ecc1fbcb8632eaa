// Background updates, live: every pending update with its dependency, ordering, state and
// progress (a moving bar while it runs), polled every second while the tab is visible;
// pause/resume (the admin API's `enabled` switch) and starting a repair job.
#pragma once

#include <QWidget>

#include "client/admin_client.h"
#include "client/background_job.h"
#include "client/background_updates.h"

class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace strata::console {

class UpdatesView : public QWidget {
  Q_OBJECT
 public:
  UpdatesView(AdminClient* client, QWidget* parent = nullptr);

  // Reads the status; asked while loading, reads once more afterwards.
  void refresh();
  void setEnabledOnServer(bool enabled);
  // Queues a job (BackgroundJob); actionFinished says whether it was queued (or found queued).
  void startJob(const QString& job_name);

  int pendingCount() const;
  // Pending updates the server reports failed.
  int failedCount() const { return failed_; }
  bool serverEnabled() const { return enabled_; }
  QString message() const;
  QTableWidget* table() const { return table_; }

 signals:
  void refreshed();
  void actionFinished(bool ok);

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void render(const BackgroundUpdatesStatus& status);

  AdminClient* client_;
  QTableWidget* table_;
  QLabel* state_;
  QLabel* message_;
  QPushButton* pause_;
  QTimer* poll_;
  BackgroundJob* job_;
  bool enabled_ = true;
  bool loading_ = false;
  bool refresh_again_ = false;
  int failed_ = 0;
};

}  // namespace strata::console
