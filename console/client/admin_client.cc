#include "client/admin_client.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace strata::console {
namespace {

constexpr int kTimeoutMs = 20000;

ApiReply Classify(QNetworkReply* reply) {
  ApiReply r;
  r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  const QByteArray data = reply->readAll();
  QJsonParseError parse{};
  const QJsonDocument doc = QJsonDocument::fromJson(data, &parse);
  if (doc.isObject()) r.body = doc.object();
  r.errcode = r.body.value("errcode").toString();
  const QString url = reply->url().adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString();
  switch (reply->error()) {
    case QNetworkReply::NoError:
      break;
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
      r.failure = ApiReply::Failure::kUnreachable;
      r.error = QStringLiteral("Cannot reach %1: %2. Check the address and that the server runs.")
                    .arg(url, reply->errorString());
      return r;
    case QNetworkReply::SslHandshakeFailedError:
      r.failure = ApiReply::Failure::kTls;
      r.error = QStringLiteral(
                    "TLS failure talking to %1: %2. Check the certificate, or use "
                    "http:// for a server without TLS.")
                    .arg(url, reply->errorString());
      return r;
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
      r.failure = ApiReply::Failure::kTimeout;
      r.error = QStringLiteral("%1 did not answer in time.").arg(url);
      return r;
    default:
      if (r.status == 0) {
        r.failure = ApiReply::Failure::kUnreachable;
        r.error = QStringLiteral("Cannot talk to %1: %2").arg(url, reply->errorString());
        return r;
      }
      break;
  }
  if (r.status < 200 || r.status >= 300) {
    r.failure = ApiReply::Failure::kHttp;
    const QString what = r.body.value("error").toString();
    r.error = QStringLiteral("%1 %2%3")
                  .arg(r.status)
                  .arg(r.errcode.isEmpty() ? QString() : r.errcode + ": ")
                  .arg(what.isEmpty() ? QString::fromUtf8(data.left(200)) : what);
  } else if (!doc.isObject()) {
    r.failure = ApiReply::Failure::kBadReply;
    r.error = QStringLiteral(
                  "%1 answered something that is not a JSON object; is it a Matrix "
                  "homeserver?")
                  .arg(url);
  }
  return r;
}

}  // namespace

AdminClient::AdminClient(QObject* parent) : QObject(parent) {}

QString AdminClient::segment(const QString& id) {
  return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

void AdminClient::send(const QByteArray& method, const QString& path, const QUrlQuery& query,
                       const QByteArray& body, Callback done) {
  QUrl url = server_;
  // The path is already percent-encoded where needed.
  url.setPath(server_.path().chopped(server_.path().endsWith('/') ? 1 : 0) + path,
              QUrl::TolerantMode);
  if (!query.isEmpty()) url.setQuery(query);
  QNetworkRequest request(url);
  request.setTransferTimeout(kTimeoutMs);
  if (!token_.isEmpty()) request.setRawHeader("Authorization", "Bearer " + token_.toUtf8());
  if (!body.isEmpty()) request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
  QNetworkReply* reply = method == "GET"    ? net_.get(request)
                         : method == "POST" ? net_.post(request, body)
                         : method == "PUT"  ? net_.put(request, body)
                                            : net_.sendCustomRequest(request, method, body);
  ++started_;
  if (in_flight_++ == 0) emit busyChanged(true);
  connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
    reply->deleteLater();
    ApiReply r = Classify(reply);
    if (--in_flight_ == 0) emit busyChanged(false);
    if (done) done(r);
  });
}

void AdminClient::get(const QString& path, Callback done, const QUrlQuery& query) {
  send("GET", path, query, {}, std::move(done));
}

void AdminClient::post(const QString& path, const QJsonObject& body, Callback done) {
  send("POST", path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(done));
}

void AdminClient::put(const QString& path, const QJsonObject& body, Callback done) {
  send("PUT", path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(done));
}

void AdminClient::connectWithPassword(const QUrl& server, const QString& user,
                                      const QString& password, Callback done) {
  disconnectFromServer();
  server_ = server;
  // First make sure something Matrix-like answers, so "unreachable" is not reported as a login
  // failure.
  get("/_matrix/client/versions", [this, user, password, done](const ApiReply& versions) {
    if (!versions.ok() && versions.failure != ApiReply::Failure::kHttp) return done(versions);
    QJsonObject body{{"type", "m.login.password"},
                     {"identifier", QJsonObject{{"type", "m.id.user"}, {"user", user}}},
                     {"user", user},
                     {"password", password},
                     {"initial_device_display_name", "Strata console"}};
    post("/_matrix/client/r0/login", body, [this, user, done](const ApiReply& login) {
      if (!login.ok()) {
        ApiReply r = login;
        if (login.errcode == "M_FORBIDDEN") {
          r.error = QStringLiteral("Wrong user name or password for %1.").arg(user);
        } else if (login.errcode == "M_LIMIT_EXCEEDED") {
          r.error = QStringLiteral("Too many login attempts; wait a moment and retry.");
        }
        return done(r);
      }
      token_ = login.body.value("access_token").toString();
      checkAdmin(done);
    });
  });
}

void AdminClient::connectWithToken(const QUrl& server, const QString& token, Callback done) {
  disconnectFromServer();
  server_ = server;
  token_ = token;
  checkAdmin(std::move(done));
}

void AdminClient::checkAdmin(Callback done) {
  get("/_matrix/client/r0/account/whoami", [this, done](const ApiReply& who) {
    if (!who.ok()) {
      ApiReply r = who;
      if (who.errcode == "M_UNKNOWN_TOKEN" || who.errcode == "M_MISSING_TOKEN") {
        r.error = QStringLiteral("The server does not accept this access token.");
      }
      token_.clear();
      return done(r);
    }
    user_id_ = who.body.value("user_id").toString();
    get("/_synapse/admin/v1/schema", [this, done](const ApiReply& schema) {
      if (!schema.ok()) {
        ApiReply r = schema;
        if (schema.errcode == "M_FORBIDDEN") {
          r.error = QStringLiteral(
                        "%1 is not a server admin: the console needs an admin "
                        "account (users.admin = 1).")
                        .arg(user_id_);
        }
        token_.clear();
        user_id_.clear();
        return done(r);
      }
      connected_ = true;
      emit connectionChanged(true);
      done(schema);
    });
  });
}

void AdminClient::disconnectFromServer() {
  const bool was = connected_;
  connected_ = false;
  token_.clear();
  user_id_.clear();
  if (was) emit connectionChanged(false);
}

}  // namespace strata::console
