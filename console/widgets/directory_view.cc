#include "widgets/directory_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

namespace strata::console {

DirectoryView::DirectoryView(AdminClient* client, QWidget* parent)
    : QWidget(parent), client_(client) {
  summary_ = new QLabel;
  summary_->setWordWrap(true);
  summary_->setObjectName("directorySummary");
  directory_ = new QListWidget;
  table_ = new QTableWidget(0, 8);
  table_->setHorizontalHeaderLabels({"Room", "Room ID", "Published\n(rooms.is_public)",
                                     "In\n/publicRooms", "room_stats_current\n.joined_members",
                                     "Joined\n(state)", "room_stats_state\nrow",
                                     "Why it is (or would be) hidden"});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setWordWrap(true);
  for (const auto& [column, width] :
       {std::pair{0, 110}, {1, 200}, {2, 95}, {3, 90}, {4, 135}, {5, 85}, {6, 105}}) {
    table_->setColumnWidth(column, width);
  }
  repair_ = new QPushButton("&Repair room statistics");
  repair_->setToolTip(
      "Queues populate_stats_process_rooms, then populate_stats_process_users (the upgrade "
      "notes' repair) through the admin API and follows them until they finish.");
  auto* reload = new QPushButton("Re&fresh");
  progress_ = new QProgressBar;
  progress_->setVisible(false);
  progress_text_ = new QLabel;

  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  auto* left_title = new QLabel("<b>/publicRooms, as a client sees it</b>");
  left_title->setWordWrap(true);
  left_layout->addWidget(left_title);
  left_layout->addWidget(directory_);
  auto* right = new QWidget;
  auto* right_layout = new QVBoxLayout(right);
  right_layout->setContentsMargins(0, 0, 0, 0);
  right_layout->addWidget(new QLabel("<b>Every room, with what decides its listing</b>"));
  right_layout->addWidget(table_);
  auto* split = new QSplitter;
  split->addWidget(left);
  split->addWidget(right);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 4);
  split->setSizes({190, 1070});
  auto* actions = new QHBoxLayout;
  actions->addWidget(repair_);
  actions->addWidget(reload);
  actions->addWidget(progress_, 1);
  actions->addWidget(progress_text_, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_);
  layout->addWidget(split, 1);
  layout->addLayout(actions);

  job_ = new BackgroundJob(client_, this);
  connect(job_, &BackgroundJob::started, this, [this](bool ok, const QString& message) {
    if (ok) {
      progress_text_->setText(message + "; waiting for the background updater ...");
    } else {
      endRepair(false, "Repair not queued: " + message);
    }
  });
  connect(job_, &BackgroundJob::progress, this, [this](int done, int total, const QString& text) {
    if (done >= 0) {
      progress_->setRange(0, total);
      progress_->setValue(done);
    }
    progress_text_->setText(text);
  });
  connect(job_, &BackgroundJob::finished, this, [this](bool ok, const QString& message) {
    endRepair(ok, ok ? "Repair finished: both statistics updates ran to the end."
                     : "Repair failed: " + message);
    if (ok) refresh();
  });
  connect(repair_, &QPushButton::clicked, this, &DirectoryView::repair);
  connect(reload, &QPushButton::clicked, this, &DirectoryView::refresh);
  connect(client_, &AdminClient::connectionChanged, this, [this](bool on) {
    if (on) refresh();
  });
}

QString DirectoryView::summary() const {
  return summary_->text();
}

void DirectoryView::refresh() {
  if (!client_->connected()) return;
  if (loading_) {
    refresh_again_ = true;  // what is loading may predate the change that asked for this
    return;
  }
  loading_ = true;
  auto loaded = [this] {
    loading_ = false;
    emit refreshed();
    if (std::exchange(refresh_again_, false)) refresh();
  };
  FetchDirectoryHealth(
      client_, this, [this, loaded](const ApiReply& r, const DirectoryHealth& health) {
        if (!r.ok()) {
          summary_->setText("Cannot read the directory's health: " + r.error);
          return loaded();
        }
        FetchPublicRooms(
            client_, this, 1000,
            [this, health, loaded](const ApiReply& rooms, const QVector<PublicRoom>& listed) {
              render(health, listed);
              if (!rooms.ok())
                summary_->setText(summary_->text() + " (/publicRooms: " + rooms.error + ")");
              loaded();
            });
      });
}

void DirectoryView::render(const DirectoryHealth& health, const QVector<PublicRoom>& client_view) {
  directory_->clear();
  for (const auto& r : client_view) {
    directory_->addItem(QString("%1  (%2 members)").arg(r.name).arg(r.joined_members));
  }
  if (client_view.isEmpty()) directory_->addItem("(the directory is empty)");
  table_->setRowCount(0);
  published_ = 0;
  hidden_ = 0;
  listed_ = static_cast<int>(client_view.size());
  for (const auto& r : health.rooms) {
    const bool is_public = r.is_public;
    if (is_public) ++published_;
    const QStringList& problems = r.problems;
    const QStringList& latent = r.latent;
    if (!problems.isEmpty()) ++hidden_;
    // Published rooms first would need sorting; all rooms are few here, so keep id order.
    const int row = table_->rowCount();
    table_->insertRow(row);
    QStringList why;
    why << problems;
    for (const auto& p : latent) why << "latent: " + p;
    const QStringList cells = {
        r.name,
        r.room_id,
        is_public ? "yes" : "no",
        r.in_directory ? "yes" : "no",
        r.stats_joined_members ? QString::number(*r.stats_joined_members) : "(no row)",
        QString::number(r.joined_members),
        r.has_stats_state ? "yes" : "missing",
        why.join("; ")};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (!problems.isEmpty()) {
        item->setBackground(QColor(255, 220, 220));
      } else if (!latent.isEmpty()) {
        item->setBackground(QColor(255, 240, 200));
      }
      table_->setItem(row, c, item);
    }
  }
  QString text = QString(
                     "Behaving as %1, whose directory reads %2. <b>%3</b> rooms are "
                     "published, <b>%4</b> are listed by /publicRooms.")
                     .arg(health.behaves_as, health.reads_stats_tables
                                                 ? "the statistics tables (joined_members > 0)"
                                                 : "current state")
                     .arg(published_)
                     .arg(listed_);
  if (hidden_ > 0) {
    text += QString(
                " <b style='color:#b00'>%1 published rooms are hidden by stale room "
                "statistics</b> (the 1.4-1.12 upgrade bug): press Repair.")
                .arg(hidden_);
  } else {
    text += " No published room is hidden by its statistics.";
  }
  const int latent = health.latent_problems;
  if (latent > 0) {
    text += QString(
                " <b style='color:#b60'>%1 published rooms have stale statistics</b> that a "
                "release whose directory reads them (1.5 and later) would hide: repair before "
                "upgrading.")
                .arg(latent);
  }
  summary_->setText(text);
}

void DirectoryView::repair() {
  if (repairing_ || !client_->connected()) return;
  repairing_ = true;
  repair_->setEnabled(false);
  progress_->setVisible(true);
  progress_->setRange(0, 0);
  progress_text_->setText("Queuing populate_stats_process_rooms and _users ...");
  job_->start("populate_stats_process_rooms");
}

void DirectoryView::endRepair(bool ok, const QString& message) {
  repairing_ = false;
  repair_->setEnabled(true);
  progress_->setVisible(ok);
  progress_text_->setText(message);
  emit repairFinished(ok);
}

}  // namespace strata::console
