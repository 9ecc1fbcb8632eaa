#include "client/admin_client.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

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

void AdminClient::send(QObject* context, const QUrl& server, const QString& token,
                       const QByteArray& method, const QString& path, const QUrlQuery& query,
                       const QByteArray& body, Callback done) {
  QUrl url = server;
  // The path is already percent-encoded where needed.
  url.setPath(server.path().chopped(server.path().endsWith('/') ? 1 : 0) + path,
              QUrl::TolerantMode);
  if (!query.isEmpty()) url.setQuery(query);
  QNetworkRequest request(url);
  request.setTransferTimeout(kTimeoutMs);
  if (!token.isEmpty()) request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
  if (!body.isEmpty()) request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
  QNetworkReply* reply = method == "GET"    ? net_.get(request)
                         : method == "POST" ? net_.post(request, body)
                         : method == "PUT"  ? net_.put(request, body)
                                            : net_.sendCustomRequest(request, method, body);
  ++started_;
  if (in_flight_++ == 0) emit busyChanged(true);
  // The bookkeeping belongs to the client; the answer to whoever asked, if still there.
  QPointer<QObject> guard(context);
  connect(reply, &QNetworkReply::finished, this,
          [this, reply, guard, has_context = context != nullptr, done = std::move(done)] {
            reply->deleteLater();
            ApiReply r = Classify(reply);
            if (--in_flight_ == 0) emit busyChanged(false);
            if (done && (!has_context || guard)) done(r);
          });
}

void AdminClient::get(QObject* context, const QString& path, Callback done,
                      const QUrlQuery& query) {
  send(context, server_, token_, "GET", path, query, {}, std::move(done));
}

void AdminClient::post(QObject* context, const QString& path, const QJsonObject& body,
                       Callback done) {
  send(context, server_, token_, "POST", path, {},
       QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(done));
}

void AdminClient::put(QObject* context, const QString& path, const QJsonObject& body,
                      Callback done) {
  send(context, server_, token_, "PUT", path, {},
       QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(done));
}

namespace {

ApiReply Cancelled() {
  ApiReply r;
  r.failure = ApiReply::Failure::kCancelled;
  r.error = QStringLiteral("Cancelled: disconnected before the connection was made.");
  return r;
}

}  // namespace

void AdminClient::connectWithPassword(const QUrl& server, const QString& user,
                                      const QString& password, Callback done) {
  disconnectFromServer();
  server_ = server;
  const int attempt = attempt_;
  // First make sure something Matrix-like answers, so "unreachable" is not reported as a login
  // failure.
  get(this, "/_matrix/client/versions",
      [this, attempt, server, user, password, done](const ApiReply& versions) {
        if (attempt != attempt_) return done(Cancelled());
        if (!versions.ok() && versions.failure != ApiReply::Failure::kHttp) return done(versions);
        QJsonObject body{{"type", "m.login.password"},
                         {"identifier", QJsonObject{{"type", "m.id.user"}, {"user", user}}},
                         {"user", user},
                         {"password", password},
                         {"initial_device_display_name", "Strata console"}};
        post(this, "/_matrix/client/r0/login", body,
             [this, attempt, server, user, done](const ApiReply& login) {
               const QString token = login.body.value("access_token").toString();
               if (attempt != attempt_) {
                 // Disconnected meanwhile: the session the server just made is not wanted.
                 if (login.ok() && !token.isEmpty()) logout(server, token);
                 return done(Cancelled());
               }
               if (!login.ok()) {
                 ApiReply r = login;
                 if (login.errcode == "M_FORBIDDEN") {
                   r.error = QStringLiteral("Wrong user name or password for %1.").arg(user);
                 } else if (login.errcode == "M_LIMIT_EXCEEDED") {
                   r.error = QStringLiteral("Too many login attempts; wait a moment and retry.");
                 }
                 return done(r);
               }
               token_ = token;
               owns_token_ = true;
               checkAdmin(attempt, done);
             });
      });
}

void AdminClient::connectWithToken(const QUrl& server, const QString& token, Callback done) {
  disconnectFromServer();
  server_ = server;
  token_ = token;
  owns_token_ = false;
  checkAdmin(attempt_, std::move(done));
}

void AdminClient::checkAdmin(int attempt, Callback done) {
  get(this, "/_matrix/client/r0/account/whoami", [this, attempt, done](const ApiReply& who) {
    if (attempt != attempt_) return done(Cancelled());
    if (!who.ok()) {
      ApiReply r = who;
      if (who.errcode == "M_UNKNOWN_TOKEN" || who.errcode == "M_MISSING_TOKEN") {
        r.error = QStringLiteral("The server does not accept this access token.");
      }
      forgetToken();
      return done(r);
    }
    user_id_ = who.body.value("user_id").toString();
    get(this, "/_synapse/admin/v1/schema", [this, attempt, done](const ApiReply& schema) {
      if (attempt != attempt_) return done(Cancelled());
      if (!schema.ok()) {
        ApiReply r = schema;
        if (schema.errcode == "M_FORBIDDEN") {
          r.error = QStringLiteral(
                        "%1 is not a server admin: the console needs an admin "
                        "account (users.admin = 1).")
                        .arg(user_id_);
        }
        forgetToken();
        user_id_.clear();
        return done(r);
      }
      connected_ = true;
      emit connectionChanged(true);
      done(schema);
    });
  });
}

void AdminClient::logout(const QUrl& server, const QString& token) {
  send(nullptr, server, token, "POST", "/_matrix/client/r0/logout", {}, "{}", nullptr);
}

void AdminClient::forgetToken() {
  if (owns_token_ && !token_.isEmpty()) logout(server_, token_);
  owns_token_ = false;
  token_.clear();
}

void AdminClient::disconnectFromServer() {
  ++attempt_;
  const bool was = connected_;
  connected_ = false;
  forgetToken();
  user_id_.clear();
  if (was) emit connectionChanged(false);
}

void AdminClient::disconnectAndWait(int timeout_ms) {
  disconnectFromServer();
  if (in_flight_ == 0) return;
  QEventLoop loop;
  connect(this, &AdminClient::busyChanged, &loop, [&loop](bool busy) {
    if (!busy) loop.quit();
  });
  QTimer::singleShot(timeout_ms, &loop, &QEventLoop::quit);
  loop.exec(QEventLoop::ExcludeUserInputEvents);
}

}  // namespace strata::console
