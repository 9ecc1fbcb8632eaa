// Users: the paged, searchable user list (PagedModel: pages are fetched as the view scrolls)
// and the actions on the selected user. Each action has a direct method (the buttons ask
// their questions in dialogs first, then call it).
#pragma once

#include <QWidget>

#include "client/admin_client.h"
#include "client/paged_model.h"

class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QPlainTextEdit;

namespace strata::console {

class UsersView : public QWidget {
  Q_OBJECT
 public:
  UsersView(AdminClient* client, QWidget* parent = nullptr);

  PagedModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  void setSearch(const QString& text);
  QString selectedUser() const;
  QString message() const;

  void createUser(const QString& user_id, const QString& password, bool admin);
  void resetPassword(const QString& user_id, const QString& password);
  void deactivate(const QString& user_id);
  void setAdmin(const QString& user_id, bool admin);
  void whois(const QString& user_id);

 signals:
  // Emitted when an action's answer arrived (ok or not); message() says what happened.
  void actionFinished(bool ok);

 private:
  void report(const ApiReply& r, const QString& success);

  AdminClient* client_;
  PagedModel* model_;
  QLineEdit* search_;
  QTableView* table_;
  QLabel* total_;
  QLabel* message_;
  QPlainTextEdit* details_;
  QTimer* debounce_;
};

}  // namespace strata::console
