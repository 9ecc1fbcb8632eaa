#include "widgets/connect_page.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include "client/known_servers.h"

namespace strata::console {

ConnectPage::ConnectPage(AdminClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  server_ = new QComboBox;
  server_->setEditable(true);
  server_->setObjectName("server");
  server_->lineEdit()->setPlaceholderText("http://localhost:8008");
  use_password_ = new QRadioButton("User and password");
  use_token_ = new QRadioButton("Access token");
  use_password_->setChecked(true);
  user_ = new QLineEdit;
  user_->setPlaceholderText("admin or @admin:example.org");
  password_ = new QLineEdit;
  password_->setEchoMode(QLineEdit::Password);
  token_ = new QLineEdit;
  token_->setEchoMode(QLineEdit::Password);
  token_->setEnabled(false);
  connect_ = new QPushButton("&Connect");
  connect_->setDefault(true);
  status_ = new QLabel;
  status_->setObjectName("connectStatus");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  for (const auto& known : LoadKnownServers()) server_->addItem(known.url, known.user);
  if (server_->count() == 0) server_->addItem("http://localhost:8008");
  auto* mode = new QButtonGroup(this);
  mode->addButton(use_password_);
  mode->addButton(use_token_);
  // A remembered server brings back its user name (never a password or token).
  auto pick = [this](int i) { user_->setText(server_->itemData(i).toString()); };
  connect(server_, &QComboBox::currentIndexChanged, this, pick);
  pick(server_->currentIndex());

  auto* form = new QFormLayout;
  form->addRow("&Server URL", server_);
  form->addRow(use_password_);
  form->addRow("&User", user_);
  form->addRow("&Password", password_);
  form->addRow(use_token_);
  form->addRow("&Token", token_);
  form->addRow(connect_);
  form->addRow(status_);
  auto* box = new QWidget;
  box->setLayout(form);
  box->setMaximumWidth(560);
  auto* title = new QLabel(
      "<h2>Connect to a Strata or Synapse server</h2>"
      "<p>The console uses the admin API, so the account must be a server "
      "admin. Passwords are never stored.</p>");
  title->setWordWrap(true);
  auto* outer = new QVBoxLayout(this);
  outer->addWidget(title);
  outer->addWidget(box);
  outer->addStretch();

  connect(use_token_, &QRadioButton::toggled, this, [this](bool token) {
    token_->setEnabled(token);
    user_->setEnabled(!token);
    password_->setEnabled(!token);
  });
  connect(connect_, &QPushButton::clicked, this, &ConnectPage::submit);
  connect(password_, &QLineEdit::returnPressed, this, &ConnectPage::submit);
  connect(token_, &QLineEdit::returnPressed, this, &ConnectPage::submit);
}

void ConnectPage::connectTo(const QString& url, const QString& user, const QString& password,
                            const QString& token) {
  server_->setEditText(url);
  (token.isEmpty() ? use_password_ : use_token_)->setChecked(true);
  user_->setText(user);
  password_->setText(password);
  token_->setText(token);
  submit();
}

QString ConnectPage::errorText() const {
  return status_->text();
}

void ConnectPage::submit() {
  if (busy_) return;
  QString text = server_->currentText().trimmed();
  if (!text.contains("://")) text = "http://" + text;
  const QUrl url(text, QUrl::StrictMode);
  if (!url.isValid() || url.host().isEmpty() ||
      (url.scheme() != "http" && url.scheme() != "https")) {
    status_->setText("<b>Not a server URL:</b> " + text.toHtmlEscaped() +
                     " (use http://host:port or https://host)");
    return;
  }
  busy_ = true;
  connect_->setEnabled(false);
  status_->setText("Connecting to " + url.toString().toHtmlEscaped() + " ...");
  auto done = [this](const ApiReply& r) { finished(r); };
  if (use_token_->isChecked()) {
    client_->connectWithToken(url, token_->text().trimmed(), done);
  } else {
    client_->connectWithPassword(url, user_->text().trimmed(), password_->text(), done);
  }
}

void ConnectPage::finished(const ApiReply& reply) {
  busy_ = false;
  connect_->setEnabled(true);
  password_->clear();
  if (!reply.ok()) {
    status_->setText("<b>Not connected.</b> " + reply.error.toHtmlEscaped());
    return;
  }
  status_->setText("Connected as " + client_->userId().toHtmlEscaped() + ".");
  RememberServer({client_->server().toString(),
                  use_token_->isChecked() ? QString() : user_->text().trimmed()});
  emit connected();
}

}  // namespace strata::console
