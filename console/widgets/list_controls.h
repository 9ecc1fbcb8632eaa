// What the paged list views (users, rooms) share: action buttons, and a search box wired to
// the model's server-side search with a debounce, with the total and load failures shown
// beside the list.
#pragma once

#include <QString>
#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class QWidget;

namespace strata::console {

class PagedModel;

// A push button that calls `fn` when clicked, while `owner` lives.
QPushButton* ActionButton(QWidget* owner, const QString& text, std::function<void()> fn);

// Typing in `search` asks the server again after 300 ms without typing; `total` shows
// "<total> <noun>"; load failures go to `message`. Returns the debounce timer (owned by
// `owner`), which a direct search stops.
QTimer* WireSearch(QWidget* owner, QLineEdit* search, PagedModel* model, QLabel* total,
                   QLabel* message, const QString& noun);

}  // namespace strata::console
