#include "widgets/list_controls.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>

#include "client/paged_model.h"

namespace strata::console {

QPushButton* ActionButton(QWidget* owner, const QString& text, std::function<void()> fn) {
  auto* b = new QPushButton(text);
  QObject::connect(b, &QPushButton::clicked, owner, std::move(fn));
  return b;
}

QTimer* WireSearch(QWidget* owner, QLineEdit* search, PagedModel* model, QLabel* total,
                   QLabel* message, const QString& noun) {
  auto* debounce = new QTimer(owner);
  debounce->setSingleShot(true);
  debounce->setInterval(300);
  QObject::connect(search, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
  QObject::connect(debounce, &QTimer::timeout, model,
                   [model, search] { model->setSearch(search->text()); });
  QObject::connect(model, &PagedModel::totalChanged, total,
                   [total, noun](int n) { total->setText(QString("%L1 %2").arg(n).arg(noun)); });
  QObject::connect(model, &PagedModel::failed, message,
                   [message](const QString& e) { message->setText(e); });
  return debounce;
}

}  // namespace strata::console
