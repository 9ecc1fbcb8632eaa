#include "client/background_job.h"

#include <QJsonObject>
#include <QTimer>

namespace strata::console {
namespace {

constexpr char kStatusPath[] = "/_synapse/admin/v1/background_updates/status";

QJsonObject CurrentUpdates(const ApiReply& status) {
  return status.body.value("current_updates").toObject().value("master").toObject();
}

}  // namespace

BackgroundJob::BackgroundJob(AdminClient* client, QObject* parent)
    : QObject(parent), client_(client), poll_(new QTimer(this)) {
  connect(poll_, &QTimer::timeout, this, &BackgroundJob::poll);
}

QStringList BackgroundJob::updatesOf(const QString& job_name) {
  if (job_name == "populate_stats_process_rooms") {
    return {"populate_stats_process_rooms", "populate_stats_process_users"};
  }
  return {job_name};
}

void BackgroundJob::start(const QString& job_name, int interval_ms) {
  if (running_) return;
  running_ = true;
  job_ = job_name;
  updates_ = updatesOf(job_name);
  poll_->setInterval(interval_ms);
  client_->post(
      this, "/_synapse/admin/v1/background_updates/start_job", {{"job_name", job_name}},
      [this](const ApiReply& r) {
        if (r.ok()) return queued("Queued " + job_);
        if (r.failure != ApiReply::Failure::kHttp || r.status != 400) {
          running_ = false;
          return emit started(false, r.error);
        }
        // Refused: follow the job if its updates are queued and none failed (the server retries
        // failed ones itself, so a refusal with a failed update is a real error).
        client_->get(this, kStatusPath, [this, refusal = r.error](const ApiReply& status) {
          const QJsonObject current = CurrentUpdates(status);
          bool queued_ok = status.ok();
          bool any = false;
          for (const auto& name : updates_) {
            if (!current.contains(name)) continue;
            any = true;
            if (current.value(name).toObject().value("state").toString() == "failed") {
              queued_ok = false;
            }
          }
          if (queued_ok && any) return queued(job_ + " is already queued; following it");
          running_ = false;
          emit started(false, refusal);
        });
      });
}

void BackgroundJob::queued(const QString& message) {
  emit started(true, message);
  poll_->start();
}

void BackgroundJob::poll() {
  if (polling_ || !running_) return;
  polling_ = true;
  ++status_requests_;
  client_->get(this, kStatusPath, [this](const ApiReply& r) {
    polling_ = false;
    if (!running_) return;
    if (!r.ok()) {
      // A lost connection ends the job's follow-up; a passing error is tried again.
      if (!client_->connected())
        end(false, "Cannot read the updates' status: " + r.error);
      else
        emit progress(-1, static_cast<int>(updates_.size()),
                      "Cannot read the updates' status: " + r.error);
      return;
    }
    const QJsonObject current = CurrentUpdates(r);
    int left = 0;
    QString detail;
    for (const auto& name : updates_) {
      if (!current.contains(name)) continue;
      ++left;
      const QJsonObject u = current.value(name).toObject();
      if (u.value("state").toString() == "failed") {
        return end(false, name + " failed: " + u.value("error").toString() +
                              " (start the job again to retry)");
      }
      if (detail.isEmpty()) detail = name + ": " + u.value("progress_json").toString();
    }
    const int total = static_cast<int>(updates_.size());
    if (left == 0) return end(true, job_ + " finished: its updates ran to the end.");
    if (!r.body.value("enabled").toBool(true)) {
      return emit progress(total - left, total,
                           "Background updates are paused (Background updates tab).");
    }
    emit progress(total - left, total, "Running " + detail.left(120));
  });
}

void BackgroundJob::end(bool ok, const QString& message) {
  poll_->stop();
  running_ = false;
  emit finished(ok, message);
}

}  // namespace strata::console
