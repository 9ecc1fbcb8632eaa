// Config lint: open a homeserver.yaml and run Strata's own start-up checks on it offline, as
// a chosen release would; each problem with its key, line and what to do.
#pragma once

#include <QWidget>

#include "client/config_lint.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace strata::console {

class LintView : public QWidget {
  Q_OBJECT
 public:
  explicit LintView(QWidget* parent = nullptr);

  void lintFile(const QString& path);
  const LintResult& result() const { return result_; }
  QTableWidget* table() const { return table_; }

 private:
  QLineEdit* path_;
  QComboBox* release_;
  QTableWidget* table_;
  QLabel* summary_;
  LintResult result_;
};

}  // namespace strata::console
