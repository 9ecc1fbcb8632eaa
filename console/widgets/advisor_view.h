// The upgrade advisor: from the release the server behaves as to a chosen target, the upgrade
// notes that apply in order, manual steps and their SQL for this server's engine, each
// release's rollback, and the strata-matrix command that replays the path on a copy. When
// connected, the notes' read-only pre-check queries can be run on the server and timed (their
// running time is the notes' estimate of the upgrade's downtime).
#pragma once

#include <QWidget>

#include "client/admin_client.h"
#include "client/server_info.h"
#include "client/upgrade_advisor.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace strata::console {

class AdvisorView : public QWidget {
  Q_OBJECT
 public:
  explicit AdvisorView(AdminClient* client, QWidget* parent = nullptr);

  // From the server's /v1/schema answer: behaves_as, database_engine, database.
  void setServer(const SchemaInfo& schema);
  void setTarget(const QString& release);
  QString planText() const { return plan_text_; }
  QString matrixCommand() const;
  // Runs the pre-checks on the connected server (its release to the chosen target).
  void runPrechecks();
  QString precheckText() const { return precheck_text_; }

 signals:
  void prechecksFinished(bool ok);

 private:
  // Recomputes the plan for the chosen releases and engine (forgets the last pre-check).
  void rebuildPlan();
  void render();

  AdminClient* client_;
  QComboBox* from_;
  QComboBox* to_;
  QComboBox* engine_;
  QLineEdit* command_;
  QTextBrowser* view_;
  QLabel* summary_;
  QPushButton* precheck_;
  QString server_release_;
  QString database_;
  QString html_;
  QString precheck_text_;  // plain text of the last pre-check run
  QString precheck_html_;
  QString plan_text_;
};

}  // namespace strata::console
