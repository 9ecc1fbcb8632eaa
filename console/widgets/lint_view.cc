#include "widgets/lint_view.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "schema/catalogue.h"

namespace strata::console {

LintView::LintView(QWidget* parent) : QWidget(parent) {
  path_ = new QLineEdit;
  path_->setPlaceholderText("/etc/matrix-synapse/homeserver.yaml");
  release_ = new QComboBox;
  for (const auto& r : schema::Catalogue::Builtin().releases()) {
    release_->addItem(QString::fromStdString(r.name));
  }
  release_->setCurrentIndex(release_->count() - 1);
  auto* open = new QPushButton("&Open...");
  auto* run = new QPushButton("&Check");
  table_ = new QTableWidget(0, 5);
  table_->setHorizontalHeaderLabels({"Severity", "Key", "Line", "Check", "What to do"});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setWordWrap(true);
  table_->setColumnWidth(1, 220);
  table_->setColumnWidth(2, 50);
  table_->setColumnWidth(3, 160);
  summary_ = new QLabel("Checks run offline: no network, no database.");
  summary_->setWordWrap(true);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel("Config"));
  top->addWidget(path_, 1);
  top->addWidget(open);
  top->addWidget(new QLabel("as release"));
  top->addWidget(release_);
  top->addWidget(run);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addWidget(table_, 1);
  connect(open, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, "Open homeserver.yaml", {},
                                                      "YAML (*.yaml *.yml);;All files (*)");
    if (!file.isEmpty()) lintFile(file);
  });
  connect(run, &QPushButton::clicked, this, [this] { lintFile(path_->text()); });
  connect(path_, &QLineEdit::returnPressed, this, [this] { lintFile(path_->text()); });
}

void LintView::lintFile(const QString& path) {
  path_->setText(path);
  result_ = LintConfigFile(path.toStdString(), release_->currentText().toStdString());
  table_->setRowCount(static_cast<int>(result_.problems.size()));
  int row = 0;
  for (const auto& p : result_.problems) {
    const QStringList cells = {p.is_error() ? "error" : "warning", QString::fromStdString(p.key),
                               p.line > 0 ? QString::number(p.line) : QString("-"),
                               QString::fromStdString(p.check), QString::fromStdString(p.message)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (p.is_error()) item->setForeground(QColor(170, 0, 0));
      table_->setItem(row, c, item);
    }
    ++row;
  }
  table_->resizeRowsToContents();
  summary_->setText(QString("%1 as %2 would start it: <b>%3 errors</b>, %4 warnings.%5")
                        .arg(path.toHtmlEscaped(), QString::fromStdString(result_.release))
                        .arg(result_.errors)
                        .arg(result_.warnings)
                        .arg(result_.errors ? " The server refuses to start with errors." : ""));
}

}  // namespace strata::console
