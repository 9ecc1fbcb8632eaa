#include "widgets/dashboard_view.h"

#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

#include "client/directory_health.h"
#include "client/user_admin.h"

namespace strata::console {

namespace {
constexpr int kRefreshMs = 5000;
}

DashboardView::DashboardView(AdminClient* client, QWidget* parent)
    : QWidget(parent), client_(client) {
  auto* form = new QFormLayout;
  const std::pair<const char*, const char*> rows[] = {{"version", "Server version"},
                                                      {"behaves_as", "Behaves as Synapse"},
                                                      {"schema", "Schema version"},
                                                      {"engine", "Database"},
                                                      {"pending", "Pending background updates"},
                                                      {"users", "Users"},
                                                      {"rooms", "Rooms"},
                                                      {"directory", "Room directory"}};
  for (const auto& [key, title] : rows) {
    auto* label = new QLabel("-");
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    fields_[key] = label;
    form->addRow(QString("<b>%1</b>").arg(title), label);
  }
  updated_ = new QLabel;
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel("<h2>Dashboard</h2>"));
  layout->addLayout(form);
  layout->addWidget(updated_);
  layout->addStretch();
  timer_ = new QTimer(this);
  timer_->setInterval(kRefreshMs);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (isVisible()) refresh();
  });
  connect(client_, &AdminClient::connectionChanged, this, [this](bool on) {
    if (on) {
      timer_->start();
      refresh();
    } else {
      timer_->stop();
    }
  });
}

QString DashboardView::field(const QString& name) const {
  return fields_.contains(name) ? fields_[name]->text() : QString();
}

void DashboardView::set(const QString& name, const QString& text) {
  fields_[name]->setText(text);
}

void DashboardView::partDone() {
  if (--outstanding_ > 0) return;
  updated_->setText("Updated " + QTime::currentTime().toString("HH:mm:ss") + "; refreshes every " +
                    QString::number(kRefreshMs / 1000) + " s.");
  emit refreshed();
  if (std::exchange(refresh_again_, false)) refresh();
}

void DashboardView::refresh() {
  if (!client_->connected()) return;
  if (outstanding_ > 0) {
    refresh_again_ = true;  // e.g. a repair just finished: show its outcome, not older figures
    return;
  }
  outstanding_ = 4;
  FetchServerVersion(client_, this, [this](const ApiReply& r, const ServerVersion& v) {
    set("version", r.ok() ? QString("%1 (%2)").arg(v.server_version, v.built_with) : r.error);
    partDone();
  });
  FetchSchema(client_, this, [this](const ApiReply& r, const SchemaInfo& s) {
    if (r.ok()) {
      schema_ = s;
      set("behaves_as", s.behaves_as);
      set("schema", QString("%1 (the release expects %2)")
                        .arg(s.schema_version)
                        .arg(s.release_schema_version));
      set("engine", QString("%1: %2").arg(s.postgres() ? "PostgreSQL" : "SQLite", s.database));
      const QStringList& pending = s.pending_background_updates;
      set("pending", pending.isEmpty()
                         ? QString("none")
                         : QString("%1: %2").arg(pending.size()).arg(pending.join(", ")));
      emit schemaLoaded(schema_);
    } else {
      set("behaves_as", r.error);
    }
    partDone();
  });
  CountUsers(client_, this, [this](const ApiReply& r, int total) {
    set("users", r.ok() ? QString::number(total) : r.error);
    partDone();
  });
  FetchDirectoryHealth(client_, this, [this](const ApiReply& r, const DirectoryHealth& h) {
    if (r.ok()) {
      set("rooms", QString::number(h.rooms.size()));
      const int hidden = h.hidden_by_stats;
      const int latent = h.latent_problems;
      set("directory",
          QString("%1 published, %2 listed%3%4")
              .arg(h.published)
              .arg(h.listed)
              .arg(hidden ? QString(", <b style='color:#b00'>%1 hidden by stale "
                                    "statistics</b> (see Directory health)")
                                .arg(hidden)
                          : QString())
              .arg(latent ? QString(", <b style='color:#b60'>%1 with stale statistics that a "
                                    "later release's directory would hide</b>")
                                .arg(latent)
                          : QString()));
    } else {
      set("rooms", r.error);
    }
    partDone();
  });
}

}  // namespace strata::console
