#include "widgets/users_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "client/user_admin.h"
#include "widgets/list_controls.h"

namespace strata::console {

UsersView::UsersView(AdminClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  model_ = PagedModel::users(client, this);
  search_ = new QLineEdit;
  search_->setObjectName("userSearch");
  search_->setPlaceholderText("Search user IDs (Ctrl+F)");
  search_->setClearButtonEnabled(true);
  total_ = new QLabel;
  table_ = new QTableView;
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setDefaultSectionSize(22);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(0, 260);
  table_->setColumnWidth(1, 200);
  message_ = new QLabel;
  message_->setWordWrap(true);
  details_ = new QPlainTextEdit;
  details_->setReadOnly(true);
  details_->setPlaceholderText("Whois output appears here.");

  auto* create = ActionButton(this, "&New user...", [this] {
    bool ok = false;
    const QString id = QInputDialog::getText(this, "New user", "User ID (@name:server)",
                                             QLineEdit::Normal, "", &ok);
    if (!ok || id.isEmpty()) return;
    const QString pw =
        QInputDialog::getText(this, "New user", "Password", QLineEdit::Password, "", &ok);
    if (!ok) return;
    createUser(id, pw, false);
  });
  auto* reset = ActionButton(this, "&Reset password...", [this] {
    const QString id = selectedUser();
    if (id.isEmpty()) return;
    bool ok = false;
    const QString pw = QInputDialog::getText(this, "Reset password", "New password for " + id,
                                             QLineEdit::Password, "", &ok);
    if (ok && !pw.isEmpty()) resetPassword(id, pw);
  });
  auto* deactivate_button = ActionButton(this, "&Deactivate...", [this] {
    const QString id = selectedUser();
    if (id.isEmpty()) return;
    if (QMessageBox::warning(
            this, "Deactivate user",
            "Deactivate " + id + "? They are logged out everywhere and cannot log in again.",
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes) {
      deactivate(id);
    }
  });
  auto* make_admin = ActionButton(this, "Make &admin", [this] {
    if (!selectedUser().isEmpty()) setAdmin(selectedUser(), true);
  });
  auto* revoke_admin = ActionButton(this, "Re&voke admin", [this] {
    if (!selectedUser().isEmpty()) setAdmin(selectedUser(), false);
  });
  auto* whois_button = ActionButton(this, "&Whois", [this] {
    if (!selectedUser().isEmpty()) whois(selectedUser());
  });

  auto* top = new QHBoxLayout;
  top->addWidget(search_, 1);
  top->addWidget(total_);
  auto* actions = new QHBoxLayout;
  for (auto* b : {create, reset, deactivate_button, make_admin, revoke_admin, whois_button}) {
    actions->addWidget(b);
  }
  actions->addStretch();
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(table_);
  split->addWidget(details_);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);
  layout->addLayout(actions);
  layout->addWidget(message_);

  debounce_ = WireSearch(this, search_, model_, total_, message_, "users");
  connect(client_, &AdminClient::connectionChanged, this, [this](bool on) {
    if (on) model_->reload();
  });
}

void UsersView::setSearch(const QString& text) {
  search_->setText(text);
  debounce_->stop();
  model_->setSearch(text);
}

QString UsersView::selectedUser() const {
  const auto rows = table_->selectionModel()->selectedRows();
  return rows.isEmpty() ? QString() : model_->rowId(rows[0].row());
}

QString UsersView::message() const {
  return message_->text();
}

void UsersView::report(const ApiReply& r, const QString& success) {
  message_->setText(r.ok() ? success : "Failed: " + r.error);
  if (r.ok()) model_->reload();
  emit actionFinished(r.ok());
}

void UsersView::createUser(const QString& user_id, const QString& password, bool admin) {
  CreateOrUpdateUser(client_, this, user_id, password, admin,
                     [this, user_id](const ApiReply& r, const UserWrite& w) {
                       report(r, w.created ? "Created " + user_id : "Updated " + user_id);
                     });
}

void UsersView::resetPassword(const QString& user_id, const QString& password) {
  ResetPassword(client_, this, user_id, password,
                [this, user_id](const ApiReply& r, const UserWrite&) {
                  report(r, "Password of " + user_id + " reset; their devices were logged out.");
                });
}

void UsersView::deactivate(const QString& user_id) {
  DeactivateUser(client_, this, user_id, [this, user_id](const ApiReply& r, const UserWrite&) {
    report(r, "Deactivated " + user_id);
  });
}

void UsersView::setAdmin(const QString& user_id, bool admin) {
  SetServerAdmin(
      client_, this, user_id, admin, [this, user_id, admin](const ApiReply& r, const UserWrite&) {
        report(r, user_id + (admin ? " is now a server admin" : " is no longer an admin"));
      });
}

void UsersView::whois(const QString& user_id) {
  Whois(client_, this, user_id, [this, user_id](const ApiReply& r, const QString& text) {
    if (r.ok()) details_->setPlainText(text);
    message_->setText(r.ok() ? "Whois " + user_id : "Failed: " + r.error);
    emit actionFinished(r.ok());
  });
}

}  // namespace strata::console
