#include "widgets/rooms_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "client/room_admin.h"
#include "widgets/list_controls.h"

namespace strata::console {

RoomsView::RoomsView(AdminClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  model_ = PagedModel::rooms(client, this);
  search_ = new QLineEdit;
  search_->setObjectName("roomSearch");
  search_->setPlaceholderText("Search room names (Ctrl+F)");
  search_->setClearButtonEnabled(true);
  total_ = new QLabel;
  table_ = new QTableView;
  table_->setModel(model_);
  table_->setSortingEnabled(true);
  table_->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setDefaultSectionSize(22);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(0, 180);
  table_->setColumnWidth(1, 240);
  details_ = new QPlainTextEdit;
  details_->setReadOnly(true);
  members_ = new QListWidget;
  state_ = new QPlainTextEdit;
  state_->setReadOnly(true);
  tabs_ = new QTabWidget;
  tabs_->addTab(details_, "Details");
  tabs_->addTab(members_, "Members");
  tabs_->addTab(state_, "State");
  message_ = new QLabel;
  message_->setWordWrap(true);

  auto* publish = ActionButton(this, "&Publish to directory", [this] {
    if (!room_.isEmpty()) setPublished(room_, true);
  });
  auto* hide = ActionButton(this, "&Hide from directory", [this] {
    if (!room_.isEmpty()) setPublished(room_, false);
  });
  auto* remove = ActionButton(this, "&Delete room...", [this] {
    if (room_.isEmpty()) return;
    if (QMessageBox::warning(this, "Delete room",
                             "Delete " + room_ +
                                 "? Every local member is made to leave, the room leaves the "
                                 "directory, its aliases go, and its events are purged.",
                             QMessageBox::Yes | QMessageBox::Cancel,
                             QMessageBox::Cancel) == QMessageBox::Yes) {
      deleteRoom(room_);
    }
  });

  auto* top = new QHBoxLayout;
  top->addWidget(search_, 1);
  top->addWidget(total_);
  auto* side = new QWidget;
  auto* side_layout = new QVBoxLayout(side);
  side_layout->setContentsMargins(0, 0, 0, 0);
  side_layout->addWidget(tabs_, 1);
  auto* actions = new QHBoxLayout;
  actions->addWidget(publish);
  actions->addWidget(hide);
  actions->addWidget(remove);
  side_layout->addLayout(actions);
  auto* split = new QSplitter;
  split->addWidget(table_);
  split->addWidget(side);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);
  layout->addWidget(message_);

  debounce_ = WireSearch(this, search_, model_, total_, message_, "rooms");
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid()) showRoom(model_->rowId(current.row()));
          });
  connect(client_, &AdminClient::connectionChanged, this, [this](bool on) {
    if (on) model_->reload();
  });
}

QString RoomsView::message() const {
  return message_->text();
}
int RoomsView::memberCount() const {
  return members_->count();
}
QString RoomsView::stateText() const {
  return state_->toPlainText();
}

void RoomsView::showRoom(const QString& room_id) {
  room_ = room_id;
  pending_ = 3;
  auto done = [this, room_id] {
    if (room_id == room_ && --pending_ == 0) emit roomLoaded();
  };
  FetchRoomDetails(client_, this, room_id,
                   [this, room_id, done](const ApiReply& r, const QString& text) {
                     if (room_id != room_) return;
                     details_->setPlainText(r.ok() ? text : "No details: " + r.error);
                     done();
                   });
  FetchRoomMembers(client_, this, room_id,
                   [this, room_id, done](const ApiReply&, const QStringList& members) {
                     if (room_id != room_) return;
                     members_->clear();
                     members_->addItems(members);
                     tabs_->setTabText(1, QString("Members (%1)").arg(members_->count()));
                     done();
                   });
  FetchRoomState(client_, this, room_id,
                 [this, room_id, done](const ApiReply& r, const QVector<StateEntry>& state) {
                   if (room_id != room_) return;
                   QStringList lines;
                   for (const auto& e : state)
                     lines << QString("%1 [%2] %3").arg(e.type, e.state_key, e.content_json);
                   state_->setPlainText(r.ok() ? lines.join('\n') : "No state: " + r.error);
                   tabs_->setTabText(2, QString("State (%1)").arg(lines.size()));
                   done();
                 });
}

void RoomsView::setPublished(const QString& room_id, bool published) {
  SetRoomPublished(
      client_, this, room_id, published, [this, room_id](const ApiReply& r, bool now_public) {
        message_->setText(r.ok() ? room_id + (now_public ? " published to the directory"
                                                         : " hidden from the directory")
                                 : "Failed: " + r.error);
        if (r.ok()) model_->reload();
        emit actionFinished(r.ok());
      });
}

void RoomsView::deleteRoom(const QString& room_id) {
  DeleteRoom(client_, this, room_id, [this, room_id](const ApiReply& r, int kicked) {
    message_->setText(r.ok() ? QString("Deleted %1: %2 users removed").arg(room_id).arg(kicked)
                             : "Failed: " + r.error);
    if (r.ok()) {
      room_.clear();
      model_->reload();
    }
    emit actionFinished(r.ok());
  });
}

}  // namespace strata::console
