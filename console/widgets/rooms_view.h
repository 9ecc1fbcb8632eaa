// Rooms: the paged room list, sortable by the admin API's order_by keys (click a header), with
// the selected room's details, members and current state, and the actions: publish to or hide
// from the directory, delete (after confirmation).
#pragma once

#include <QWidget>

#include "client/admin_client.h"
#include "client/paged_model.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QTableView;
class QTabWidget;
class QTimer;

namespace strata::console {

class RoomsView : public QWidget {
  Q_OBJECT
 public:
  RoomsView(AdminClient* client, QWidget* parent = nullptr);

  PagedModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  QString message() const;
  QString currentRoom() const { return room_; }
  int memberCount() const;
  QString stateText() const;

  // Loads details, members and state of `room_id` into the side panel.
  void showRoom(const QString& room_id);
  void setPublished(const QString& room_id, bool published);
  void deleteRoom(const QString& room_id);

 signals:
  void roomLoaded();
  void actionFinished(bool ok);

 private:
  AdminClient* client_;
  PagedModel* model_;
  QLineEdit* search_;
  QLabel* total_;
  QTableView* table_;
  QTabWidget* tabs_;
  QPlainTextEdit* details_;
  QListWidget* members_;
  QPlainTextEdit* state_;
  QLabel* message_;
  QTimer* debounce_;
  QString room_;
  int pending_ = 0;
};

}  // namespace strata::console
