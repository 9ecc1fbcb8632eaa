// The Connect page: server URL, then user + password (/login) or a pasted access token.
// Remembers servers and user names (never passwords); says plainly why a connection failed.
#pragma once

#include <QWidget>

#include "client/admin_client.h"

class QComboBox;
class QLineEdit;
class QLabel;
class QPushButton;
class QRadioButton;

namespace strata::console {

class ConnectPage : public QWidget {
  Q_OBJECT
 public:
  ConnectPage(AdminClient* client, QWidget* parent = nullptr);

  // Fills the form (for a password login when `token` is empty) and presses Connect.
  void connectTo(const QString& url, const QString& user, const QString& password,
                 const QString& token = {});
  QString errorText() const;
  bool busy() const { return busy_; }

 signals:
  void connected();

 private:
  void submit();
  void finished(const ApiReply& reply);

  AdminClient* client_;
  QComboBox* server_;
  QRadioButton* use_password_;
  QRadioButton* use_token_;
  QLineEdit* user_;
  QLineEdit* password_;
  QLineEdit* token_;
  QPushButton* connect_;
  QLabel* status_;
  bool busy_ = false;
};

}  // namespace strata::console
