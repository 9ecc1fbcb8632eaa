// PagedModel: a table over one of the admin API's paged lists (from/limit), fetched a page at
// a time as the view scrolls (canFetchMore/fetchMore), so a server with 100,000 users costs
// only the pages actually looked at. Sorting maps columns to the API's order_by keys.
#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QVector>

#include "client/admin_client.h"

namespace strata::console {

struct PagedColumn {
  QString key;       // the JSON field of a row
  QString title;     // the header
  QString order_by;  // the API's order_by key; empty: the column does not sort
};

struct PagedSource {
  QString path;          // "/_synapse/admin/v2/users"
  QString list_key;      // "users"
  QString total_key;     // "total"
  QString search_param;  // "user_id"
  QUrlQuery fixed;       // always sent (e.g. deactivated=true)
  QString id_key;        // the field naming a row's user or room: "name", "room_id"
};

class PagedModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  PagedModel(AdminClient* client, PagedSource source, QVector<PagedColumn> columns,
             QObject* parent = nullptr);

  // The admin API's user list and room list.
  static PagedModel* users(AdminClient* client, QObject* parent = nullptr);
  static PagedModel* rooms(AdminClient* client, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;
  void sort(int column, Qt::SortOrder order) override;

  // Drops what was fetched and starts again from the first page.
  void reload();
  void setSearch(const QString& term);
  void setPageSize(int size) { page_size_ = size; }
  int pageSize() const { return page_size_; }

  QJsonObject rowObject(int row) const { return rows_.value(row); }
  // The id of the user or room in `row` ("" past the end).
  QString rowId(int row) const { return rows_.value(row).value(source_.id_key).toString(); }
  // -1 until the first page arrived.
  int total() const { return total_; }
  bool loading() const { return loading_; }
  // The `from` of every page requested since the last reload, in order.
  const QVector<int>& requestedOffsets() const { return requested_; }
  QString sortKey() const { return order_by_; }

 signals:
  void pageLoaded(int from, int count);
  void failed(const QString& error);
  void totalChanged(int total);

 private:
  AdminClient* client_;
  PagedSource source_;
  QVector<PagedColumn> columns_;
  QVector<QJsonObject> rows_;
  QVector<int> requested_;
  QString search_;
  QString order_by_;
  bool backwards_ = false;
  int page_size_ = 100;
  int total_ = -1;
  bool loading_ = false;
  bool exhausted_ = false;
  int generation_ = 0;  // replies to an older generation are dropped after a reload
};

}  // namespace strata::console
