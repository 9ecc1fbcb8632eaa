#include "client/paged_model.h"

#include <QDateTime>
#include <QJsonArray>

namespace strata::console {

PagedModel::PagedModel(AdminClient* client, PagedSource source, QVector<PagedColumn> columns,
                       QObject* parent)
    : QAbstractTableModel(parent),
      client_(client),
      source_(std::move(source)),
      columns_(std::move(columns)) {}

PagedModel* PagedModel::users(AdminClient* client, QObject* parent) {
  QUrlQuery fixed;
  fixed.addQueryItem("deactivated", "true");
  return new PagedModel(client,
                        {"/_synapse/admin/v2/users", "users", "total", "user_id", fixed, "name"},
                        {{"name", "User ID", ""},
                         {"displayname", "Display name", ""},
                         {"admin", "Admin", ""},
                         {"deactivated", "Deactivated", ""},
                         {"is_guest", "Guest", ""},
                         {"creation_ts", "Created", ""}},
                        parent);
}

PagedModel* PagedModel::rooms(AdminClient* client, QObject* parent) {
  auto* model = new PagedModel(
      client, {"/_synapse/admin/v1/rooms", "rooms", "total_rooms", "search_term", {}, "room_id"},
      {{"name", "Name", "name"},
       {"room_id", "Room ID", ""},
       {"canonical_alias", "Alias", "canonical_alias"},
       {"joined_members", "Members", "joined_members"},
       {"joined_local_members", "Local", "joined_local_members"},
       {"version", "Version", "version"},
       {"creator", "Creator", "creator"},
       {"public", "Published", "public"},
       {"join_rules", "Join rule", "join_rules"},
       {"state_events", "State events", "state_events"}},
      parent);
  model->order_by_ = "name";
  return model;
}

int PagedModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int PagedModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(columns_.size());
}

QVariant PagedModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const QJsonValue v = rows_[index.row()].value(columns_[index.column()].key);
  if (role == Qt::DisplayRole) {
    if (v.isBool()) return v.toBool() ? QStringLiteral("yes") : QString();
    if (v.isDouble()) {
      // Synapse sends admin/deactivated/is_guest as 0/1 and timestamps in ms or s.
      if (columns_[index.column()].key.endsWith("_ts")) {
        const qint64 t = v.toInteger();
        return QDateTime::fromMSecsSinceEpoch(t < 100000000000LL ? t * 1000 : t)
            .toString(Qt::ISODate);
      }
      const QString key = columns_[index.column()].key;
      if (key == "admin" || key == "deactivated" || key == "is_guest") {
        return v.toInteger() ? QStringLiteral("yes") : QString();
      }
      return v.toInteger();
    }
    return v.toString();
  }
  if (role == Qt::ToolTipRole) return v.toVariant();
  return {};
}

QVariant PagedModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return section + 1;
  return columns_.value(section).title;
}

bool PagedModel::canFetchMore(const QModelIndex& parent) const {
  if (parent.isValid() || loading_ || exhausted_ || !client_->connected()) return false;
  return total_ < 0 || rows_.size() < total_;
}

void PagedModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  const int from = static_cast<int>(rows_.size());
  QUrlQuery query = source_.fixed;
  query.addQueryItem("from", QString::number(from));
  query.addQueryItem("limit", QString::number(page_size_));
  if (!search_.isEmpty()) query.addQueryItem(source_.search_param, search_);
  if (!order_by_.isEmpty()) {
    query.addQueryItem("order_by", order_by_);
    query.addQueryItem("dir", backwards_ ? "b" : "f");
  }
  loading_ = true;
  requested_.push_back(from);
  const int generation = generation_;
  client_->get(
      this, source_.path,
      [this, from, generation](const ApiReply& reply) {
        if (generation != generation_) return;
        loading_ = false;
        if (!reply.ok()) {
          exhausted_ = true;
          emit failed(reply.error);
          return;
        }
        const QJsonArray list = reply.body.value(source_.list_key).toArray();
        const int total = reply.body.value(source_.total_key).toInt(-1);
        if (total != total_) {
          total_ = total;
          emit totalChanged(total_);
        }
        if (list.isEmpty()) exhausted_ = true;
        if (!list.isEmpty()) {
          beginInsertRows({}, from, from + static_cast<int>(list.size()) - 1);
          for (const auto& row : list) rows_.push_back(row.toObject());
          endInsertRows();
        }
        emit pageLoaded(from, static_cast<int>(list.size()));
      },
      query);
}

void PagedModel::sort(int column, Qt::SortOrder order) {
  const QString key = columns_.value(column).order_by;
  if (key.isEmpty()) return;
  // The API sorts sizes and room versions largest first in its "f" direction: keep the arrow
  // meaning ascending.
  const bool largest_first = key == "joined_members" || key == "joined_local_members" ||
                             key == "state_events" || key == "version";
  const bool backwards = (order == Qt::DescendingOrder) != largest_first;
  if (key == order_by_ && backwards == backwards_ && total_ >= 0) return;
  order_by_ = key;
  backwards_ = backwards;
  reload();
}

void PagedModel::setSearch(const QString& term) {
  if (term == search_) return;
  search_ = term;
  reload();
}

void PagedModel::reload() {
  beginResetModel();
  ++generation_;
  rows_.clear();
  requested_.clear();
  total_ = -1;
  loading_ = false;
  exhausted_ = false;
  endResetModel();
  fetchMore({});
}

}  // namespace strata::console
