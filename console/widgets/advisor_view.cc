#include "widgets/advisor_view.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "client/upgrade_prechecks.h"

namespace strata::console {

AdvisorView::AdvisorView(AdminClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  from_ = new QComboBox;
  to_ = new QComboBox;
  for (const auto& r : schema::Catalogue::Builtin().releases()) {
    const QString name = QString::fromStdString(r.name);
    from_->addItem(name);
    to_->addItem(name);
  }
  to_->setCurrentIndex(to_->count() - 1);
  engine_ = new QComboBox;
  engine_->addItem("SQLite", "sqlite3");
  engine_->addItem("PostgreSQL", "psycopg2");
  summary_ = new QLabel;
  summary_->setWordWrap(true);
  view_ = new QTextBrowser;
  command_ = new QLineEdit;
  command_->setReadOnly(true);
  auto* copy = new QPushButton("&Copy command");
  connect(copy, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(command_->text()); });
  precheck_ = new QPushButton("Run the &pre-checks on the server");
  precheck_->setToolTip(
      "Runs the notes' read-only pre-check queries on the connected server's database and "
      "times them (nothing is written).");
  precheck_->setEnabled(false);
  connect(precheck_, &QPushButton::clicked, this, &AdvisorView::runPrechecks);
  connect(client_, &AdminClient::connectionChanged, this, [this](bool) { rebuildPlan(); });
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel("From"));
  top->addWidget(from_);
  top->addWidget(new QLabel("to"));
  top->addWidget(to_);
  top->addWidget(new QLabel("on"));
  top->addWidget(engine_);
  top->addStretch();
  top->addWidget(precheck_);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(new QLabel("Replay on a copy:"));
  bottom->addWidget(command_, 1);
  bottom->addWidget(copy);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addWidget(view_, 1);
  layout->addLayout(bottom);
  for (auto* box : {from_, to_, engine_}) {
    connect(box, &QComboBox::currentIndexChanged, this, &AdvisorView::rebuildPlan);
  }
  rebuildPlan();
}

void AdvisorView::setServer(const SchemaInfo& schema) {
  const QString release = schema.behaves_as;
  database_ = schema.database;
  server_release_ = release;
  const int engine = engine_->findData(schema.database_engine);
  if (engine >= 0) engine_->setCurrentIndex(engine);
  const int i = from_->findText(release);
  if (i >= 0) from_->setCurrentIndex(i);
  rebuildPlan();
}

void AdvisorView::setTarget(const QString& release) {
  const int i = to_->findText(release);
  if (i >= 0) to_->setCurrentIndex(i);
  rebuildPlan();
}

QString AdvisorView::matrixCommand() const {
  return command_->text();
}

void AdvisorView::rebuildPlan() {
  precheck_html_.clear();
  precheck_text_.clear();
  // Pre-checks run on the server, so they only make sense from the release it is on.
  precheck_->setEnabled(client_->connected() && !server_release_.isEmpty() &&
                        from_->currentText() == server_release_);
  const auto engine = engine_->currentData().toString() == "psycopg2" ? storage::Engine::kPostgres
                                                                      : storage::Engine::kSqlite;
  auto plan = PlanUpgrade(schema::Catalogue::Builtin(), from_->currentText().toStdString(),
                          to_->currentText().toStdString(), engine, database_.toStdString());
  if (!plan.ok()) {
    summary_->setText(QString::fromStdString(plan.status().message()));
    view_->clear();
    command_->clear();
    plan_text_.clear();
    return;
  }
  plan_text_ = QString::fromStdString(FormatPlan(*plan));
  command_->setText(QString::fromStdString(plan->matrix_command));
  summary_->setText(QString("<b>%1 &rarr; %2</b>: %3 releases, <b>%4 manual steps</b>. SQL is "
                            "shown in the form that works on %5.")
                        .arg(from_->currentText(), to_->currentText())
                        .arg(plan->steps.size())
                        .arg(plan->manual_steps)
                        .arg(engine_->currentText()));
  QString html;
  auto note = [&html](const AdvisedNote& n, const QString& prefix) {
    html += "<p><b>" + prefix +
            (n.manual_step ? "<span style='color:#b00'>[manual step]</span> " : QString()) +
            QString::fromStdString(n.title).toHtmlEscaped() + "</b><br>" +
            QString::fromStdString(n.text).toHtmlEscaped().replace('\n', ' ') + "</p>";
    if (!n.sql.empty()) {
      html += "<pre style='background:#f3f3f3'>" + QString::fromStdString(n.sql).toHtmlEscaped() +
              "</pre>";
    }
    if (!n.warning.empty()) {
      html += "<p style='color:#b00'>&#9888; " + QString::fromStdString(n.warning).toHtmlEscaped() +
              "</p>";
    }
  };
  for (const auto& step : plan->steps) {
    if (step.notes.empty() && step.rollback.empty()) continue;
    html += QString("<h3>%1 <small>(schema %2 &rarr; %3)</small></h3>")
                .arg(QString::fromStdString(step.release))
                .arg(step.schema_from)
                .arg(step.schema_to);
    for (const auto& n : step.notes) note(n, "");
    for (const auto& n : step.rollback) note(n, "Rollback: ");
  }
  QStringList quiet;
  for (const auto& step : plan->steps) {
    if (step.notes.empty() && step.rollback.empty()) quiet << QString::fromStdString(step.release);
  }
  if (!quiet.isEmpty()) html += "<p><i>No notes for " + quiet.join(", ") + ".</i></p>";
  html_ = html;
  render();
}

void AdvisorView::render() {
  view_->setHtml(precheck_html_ + html_);
}

void AdvisorView::runPrechecks() {
  precheck_->setEnabled(false);
  RunUpgradePrechecks(
      client_, this, to_->currentText(),
      [this](const ApiReply& r, const QVector<PrecheckResult>& checks) {
        precheck_->setEnabled(true);
        QString html = "<h3>Pre-checks run on the server</h3>";
        QStringList text;
        if (!r.ok()) {
          html += "<p style='color:#b00'>" + r.error.toHtmlEscaped() + "</p>";
          text << r.error;
        } else if (checks.isEmpty()) {
          html += "<p>The notes on this path have no pre-check query.</p>";
          text << "no pre-check";
        }
        for (const auto& c : checks) {
          const QString head = QString("%1, \"%2\": ").arg(c.release, c.title);
          QString line;
          if (c.ok) {
            line = QString("ran in %1 ms, so expect a migration of about that long; answer: %2")
                       .arg(c.elapsed_ms, 0, 'f', 1)
                       .arg(c.result ? c.result->left(160) : QString("(none: nothing to migrate)"));
          } else {
            line = "failed: " + c.error;
          }
          text << head + line;
          html += QString("<p><b>%1</b> %2</p>")
                      .arg(head.toHtmlEscaped(), line.toHtmlEscaped())
                      .replace("failed:", "<span style='color:#b00'>failed:</span>");
        }
        precheck_text_ = text.join('\n');
        precheck_html_ = html + "<hr>";
        render();
        emit prechecksFinished(r.ok());
      });
}

}  // namespace strata::console
