// BackgroundJob: queues a background job through the admin API (start_job) and follows its
// updates in /background_updates/status until they have left the queue. The directory's
// Repair and the Background updates tab both start jobs through it.
//
// Promises:
//  - A job already queued and not failed counts as started (the status endpoint decides, not
//    the error text); a failed one is retried by the server's start_job.
//  - One status request at a time: a poll is skipped while the previous one is unanswered.
//  - An update of the job that the server reports failed ends the job with its error.
#pragma once

#include <QObject>
#include <QStringList>

#include "client/admin_client.h"

class QTimer;

namespace strata::console {

class BackgroundJob : public QObject {
  Q_OBJECT
 public:
  explicit BackgroundJob(AdminClient* client, QObject* parent = nullptr);

  // The updates `job_name` queues, in the order they run.
  static QStringList updatesOf(const QString& job_name);

  // Queues `job_name` and follows it (polls every `interval_ms`). Ignored while one runs.
  void start(const QString& job_name, int interval_ms = 1000);
  bool running() const { return running_; }
  int statusRequests() const { return status_requests_; }

 signals:
  // The job is queued (or found queued) and followed from now on; or, if !ok, it is not and
  // `message` says why (the job is over).
  void started(bool ok, const QString& message);
  // After each status answer: how many of the job's updates have ended, and what runs now.
  void progress(int done, int total, const QString& text);
  // The job's updates all ended (ok), or one failed or the status could not be read (!ok).
  void finished(bool ok, const QString& message);

 private:
  void queued(const QString& message);
  void poll();
  void end(bool ok, const QString& message);

  AdminClient* client_;
  QTimer* poll_;
  QString job_;
  QStringList updates_;
  bool running_ = false;
  bool polling_ = false;  // a status request is in flight
  int status_requests_ = 0;
};

}  // namespace strata::console
