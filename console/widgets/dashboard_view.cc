#include "widgets/dashboard_view.h"

#include <QDateTime>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

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
  client_->get(this, "/_synapse/admin/v1/server_version", [this](const ApiReply& r) {
    // Strata names its compiler, Synapse its Python.
    const QString built = r.body.contains("compiler") ? r.body.value("compiler").toString()
                                                      : r.body.value("python_version").toString();
    set("version", r.ok() ? QString("%1 (%2)").arg(r.body.value("server_version").toString(), built)
                          : r.error);
    partDone();
  });
  client_->get(this, "/_synapse/admin/v1/schema", [this](const ApiReply& r) {
    if (r.ok()) {
      schema_ = r.body;
      set("behaves_as", r.body.value("behaves_as").toString());
      set("schema", QString("%1 (the release expects %2)")
                        .arg(r.body.value("schema_version").toInt())
                        .arg(r.body.value("release_schema_version").toInt()));
      const QString engine = r.body.value("database_engine").toString();
      set("engine", QString("%1: %2").arg(engine == "psycopg2" ? "PostgreSQL" : "SQLite",
                                          r.body.value("database").toString()));
      const QJsonArray pending = r.body.value("pending_background_updates").toArray();
      QStringList names;
      for (const auto& p : pending) names << p.toString();
      set("pending", pending.isEmpty()
                         ? QString("none")
                         : QString("%1: %2").arg(pending.size()).arg(names.join(", ")));
      emit schemaLoaded(schema_);
    } else {
      set("behaves_as", r.error);
    }
    partDone();
  });
  QUrlQuery users;
  users.addQueryItem("limit", "0");
  users.addQueryItem("deactivated", "true");
  client_->get(
      this, "/_synapse/admin/v2/users",
      [this](const ApiReply& r) {
        set("users", r.ok() ? QString::number(r.body.value("total").toInt()) : r.error);
        partDone();
      },
      users);
  client_->get(this, "/_synapse/admin/v1/directory_health", [this](const ApiReply& r) {
    if (r.ok()) {
      set("rooms", QString::number(r.body.value("rooms").toArray().size()));
      const int hidden = r.body.value("hidden_by_stats").toInt();
      const int latent = r.body.value("latent_problems").toInt();
      set("directory",
          QString("%1 published, %2 listed%3%4")
              .arg(r.body.value("published").toInt())
              .arg(r.body.value("listed").toInt())
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
