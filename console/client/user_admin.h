// The admin API's user calls (Synapse's /_synapse/admin/v1|v2/users...): count, create, reset
// a password, deactivate, grant or revoke admin, whois. The list itself is PagedModel::users.
#pragma once

#include "client/admin_client.h"

namespace strata::console {

// What a write answered: whether it made something new (PUT v2/users answers 201 then).
struct UserWrite {
  bool created = false;
};

// Every user, deactivated ones included (GET v2/users?limit=0&deactivated=true).
void CountUsers(AdminClient* client, QObject* context, Answer<int> done);
// Creates `user_id`, or updates its password and admin flag if it exists.
void CreateOrUpdateUser(AdminClient* client, QObject* context, const QString& user_id,
                        const QString& password, bool admin, Answer<UserWrite> done);
// Sets a new password and logs the user's devices out.
void ResetPassword(AdminClient* client, QObject* context, const QString& user_id,
                   const QString& password, Answer<UserWrite> done);
void DeactivateUser(AdminClient* client, QObject* context, const QString& user_id,
                    Answer<UserWrite> done);
void SetServerAdmin(AdminClient* client, QObject* context, const QString& user_id, bool admin,
                    Answer<UserWrite> done);
// The whois answer as indented JSON text, for showing as it is.
void Whois(AdminClient* client, QObject* context, const QString& user_id, Answer<QString> done);

}  // namespace strata::console
