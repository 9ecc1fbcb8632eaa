// AdminClient: the console's only way to a server. Every call is asynchronous over one
// QNetworkAccessManager (nothing blocks the GUI thread) and every reply is classified, so the
// views can say in words what went wrong: unreachable, TLS, wrong password, not an admin.
#pragma once

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>
#include <functional>

namespace strata::console {

struct ApiReply {
  enum class Failure { kNone, kUnreachable, kTls, kTimeout, kHttp, kBadReply, kCancelled };
  Failure failure = Failure::kNone;
  int status = 0;    // HTTP status; 0 when no answer arrived
  QJsonObject body;  // the JSON object answered (empty if none)
  QString errcode;   // Matrix errcode of an error answer
  QString error;     // one sentence for the user; empty on success

  bool ok() const { return failure == Failure::kNone; }
};

// A typed call's answer: the reply (ok() and error; the views read nothing else of it) and
// what it said, read into a value type T (default-constructed when the call failed).
template <class T>
using Answer = std::function<void(const ApiReply&, const T&)>;

class AdminClient : public QObject {
  Q_OBJECT
 public:
  using Callback = std::function<void(const ApiReply&)>;

  explicit AdminClient(QObject* parent = nullptr);

  void setServer(const QUrl& url) { server_ = url; }
  QUrl server() const { return server_; }
  void setAccessToken(const QString& token) { token_ = token; }
  QString accessToken() const { return token_; }
  QString userId() const { return user_id_; }
  bool connected() const { return connected_; }

  // Requests relative to the server ("/_synapse/admin/v1/rooms"); the access token is sent.
  // `done` runs only while `context` lives: a view destroyed before its answer gets no call.
  void get(QObject* context, const QString& path, Callback done, const QUrlQuery& query = {});
  void post(QObject* context, const QString& path, const QJsonObject& body, Callback done);
  void put(QObject* context, const QString& path, const QJsonObject& body, Callback done);

  // Connecting: the server must answer, the credentials must be accepted, and the user must be
  // a server admin. `done` gets the first failure, or success with the user id in userId().
  // A connect overtaken by disconnectFromServer() ends with kCancelled and changes nothing.
  void connectWithPassword(const QUrl& server, const QString& user, const QString& password,
                           Callback done);
  void connectWithToken(const QUrl& server, const QString& token, Callback done);
  // Forgets the connection. A token the console created by logging in is logged out on the
  // server (POST /logout), so no access token is left behind; a pasted token is left alone.
  void disconnectFromServer();
  // disconnectFromServer(), then waits up to `timeout_ms` for the requests still in flight
  // (the logout among them) to be answered: for closing the window, after which the process
  // may end.
  void disconnectAndWait(int timeout_ms);
  // Whether the current token was made by connectWithPassword (and will be logged out).
  bool ownsToken() const { return owns_token_; }

  // How many requests were started so far (the paging tests read it), and are still running.
  int requestsStarted() const { return started_; }
  int requestsInFlight() const { return in_flight_; }

  // Percent-encodes one path segment (user and room ids contain '@', '!', ':').
  static QString segment(const QString& id);

 signals:
  void connectionChanged(bool connected);
  void busyChanged(bool busy);

 private:
  void send(QObject* context, const QUrl& server, const QString& token, const QByteArray& method,
            const QString& path, const QUrlQuery& query, const QByteArray& body, Callback done);
  void checkAdmin(int attempt, Callback done);
  // Logs `token` out at `server`, answer unused.
  void logout(const QUrl& server, const QString& token);
  // Drops the token, logging it out first if the console made it.
  void forgetToken();

  QNetworkAccessManager net_;
  QUrl server_;
  QString token_;
  QString user_id_;
  bool connected_ = false;
  bool owns_token_ = false;
  int attempt_ = 0;  // which connect is current: answers to an older one are stale
  int started_ = 0;
  int in_flight_ = 0;
};

}  // namespace strata::console
