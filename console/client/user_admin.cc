#include "client/user_admin.h"

#include <QJsonDocument>

namespace strata::console {
namespace {

AdminClient::Callback Write(Answer<UserWrite> done) {
  return [done](const ApiReply& r) { done(r, UserWrite{r.status == 201}); };
}

}  // namespace

void CountUsers(AdminClient* client, QObject* context, Answer<int> done) {
  QUrlQuery query;
  query.addQueryItem("limit", "0");
  query.addQueryItem("deactivated", "true");
  client->get(
      context, "/_synapse/admin/v2/users",
      [done](const ApiReply& r) { done(r, r.body.value("total").toInt()); }, query);
}

void CreateOrUpdateUser(AdminClient* client, QObject* context, const QString& user_id,
                        const QString& password, bool admin, Answer<UserWrite> done) {
  client->put(context, "/_synapse/admin/v2/users/" + AdminClient::segment(user_id),
              {{"password", password}, {"admin", admin}}, Write(std::move(done)));
}

void ResetPassword(AdminClient* client, QObject* context, const QString& user_id,
                   const QString& password, Answer<UserWrite> done) {
  client->post(context, "/_synapse/admin/v1/reset_password/" + AdminClient::segment(user_id),
               {{"new_password", password}, {"logout_devices", true}}, Write(std::move(done)));
}

void DeactivateUser(AdminClient* client, QObject* context, const QString& user_id,
                    Answer<UserWrite> done) {
  client->post(context, "/_synapse/admin/v1/deactivate/" + AdminClient::segment(user_id), {},
               Write(std::move(done)));
}

void SetServerAdmin(AdminClient* client, QObject* context, const QString& user_id, bool admin,
                    Answer<UserWrite> done) {
  client->put(context, "/_synapse/admin/v1/users/" + AdminClient::segment(user_id) + "/admin",
              {{"admin", admin}}, Write(std::move(done)));
}

void Whois(AdminClient* client, QObject* context, const QString& user_id, Answer<QString> done) {
  client->get(context, "/_synapse/admin/v1/whois/" + AdminClient::segment(user_id),
              [done](const ApiReply& r) {
                done(r, QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Indented)));
              });
}

}  // namespace strata::console
