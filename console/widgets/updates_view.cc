#include "widgets/updates_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

namespace strata::console {

UpdatesView::UpdatesView(AdminClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  table_ = new QTableWidget(0, 6);
  table_->setHorizontalHeaderLabels(
      {"Update", "Depends on", "Ordering", "State", "Progress", "Progress JSON"});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(0, 280);
  table_->setColumnWidth(1, 240);
  table_->setColumnWidth(4, 160);
  state_ = new QLabel;
  message_ = new QLabel;
  message_->setWordWrap(true);
  pause_ = new QPushButton("&Pause updates");
  auto* repair = new QPushButton("Start &repair job (populate_stats_process_rooms)");
  connect(pause_, &QPushButton::clicked, this, [this] { setEnabledOnServer(!enabled_); });
  connect(repair, &QPushButton::clicked, this,
          [this] { startJob("populate_stats_process_rooms"); });
  auto* actions = new QHBoxLayout;
  actions->addWidget(pause_);
  actions->addWidget(repair);
  actions->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(state_);
  layout->addWidget(table_, 1);
  layout->addLayout(actions);
  layout->addWidget(message_);
  poll_ = new QTimer(this);
  poll_->setInterval(1000);
  connect(poll_, &QTimer::timeout, this, &UpdatesView::refresh);
  connect(client_, &AdminClient::connectionChanged, this, [this](bool on) {
    if (on) refresh();
  });
  job_ = new BackgroundJob(client_, this);
  connect(job_, &BackgroundJob::started, this, [this](bool ok, const QString& message) {
    message_->setText(ok ? message : "Failed: " + message);
    refresh();
    emit actionFinished(ok);
  });
  connect(job_, &BackgroundJob::finished, this, [this](bool, const QString& message) {
    message_->setText(message);
    refresh();
  });
}

void UpdatesView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  poll_->start();
  refresh();
}

void UpdatesView::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  poll_->stop();
}

int UpdatesView::pendingCount() const {
  return table_->rowCount();
}
QString UpdatesView::message() const {
  return message_->text();
}

void UpdatesView::refresh() {
  if (!client_->connected()) return;
  if (loading_) {
    refresh_again_ = true;
    return;
  }
  loading_ = true;
  FetchBackgroundUpdates(client_, this,
                         [this](const ApiReply& r, const BackgroundUpdatesStatus& s) {
                           loading_ = false;
                           if (r.ok()) {
                             render(s);
                           } else {
                             state_->setText("Cannot read the background updates: " + r.error);
                           }
                           emit refreshed();
                           if (std::exchange(refresh_again_, false)) refresh();
                         });
}

void UpdatesView::render(const BackgroundUpdatesStatus& status) {
  enabled_ = status.enabled;
  pause_->setText(enabled_ ? "&Pause updates" : "&Resume updates");
  const auto& updates = status.updates;  // in the order the runner picks
  table_->setRowCount(static_cast<int>(updates.size()));
  int row = 0;
  int failed = 0;
  for (const auto& u : updates) {
    const QString& state = u.state;
    const QString& why = u.why;
    const QStringList cells = {u.name,
                               u.depends_on,
                               QString::number(u.ordering),
                               why.isEmpty() ? state : state + ": " + why,
                               QString(),
                               u.progress_json};
    for (int c = 0; c < cells.size(); ++c) table_->setItem(row, c, new QTableWidgetItem(cells[c]));
    auto* bar = new QProgressBar;
    // The updates record how far they got, not how far they must go: a moving bar while it
    // may run, an empty one while it waits or updates are paused.
    if (state == "failed") {
      ++failed;
      bar->setRange(0, 1);
      bar->setValue(0);
      bar->setFormat("failed");
      for (int c = 0; c < cells.size(); ++c)
        table_->item(row, c)->setBackground(QColor(255, 220, 220));
    } else if (state == "runnable" && enabled_) {
      bar->setRange(0, 0);
    } else {
      bar->setRange(0, 1);
      bar->setValue(0);
      bar->setFormat(enabled_ ? "waiting" : "paused");
    }
    table_->setCellWidget(row, 4, bar);
    ++row;
  }
  failed_ = failed;
  QString text = QString("<b>%1</b> pending background updates; the updater is <b>%2</b>.")
                     .arg(updates.size())
                     .arg(enabled_ ? "running" : "paused");
  if (failed > 0) {
    text += QString(
                " <b style='color:#b00'>%1 failed</b> (see State; starting the job again "
                "retries it).")
                .arg(failed);
  }
  state_->setText(text);
}

void UpdatesView::setEnabledOnServer(bool enabled) {
  SetBackgroundUpdatesEnabled(client_, this, enabled, [this](const ApiReply& r, bool running) {
    message_->setText(r.ok()
                          ? (running ? "Background updates resumed." : "Background updates paused.")
                          : "Failed: " + r.error);
    refresh();
    emit actionFinished(r.ok());
  });
}

void UpdatesView::startJob(const QString& job_name) {
  if (job_->running()) {
    message_->setText("A job started here is still running.");
    emit actionFinished(false);
    return;
  }
  job_->start(job_name);
}

}  // namespace strata::console
