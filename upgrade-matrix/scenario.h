// Scenario seeding (issue 5, item 2a): users, rooms, memberships, messages and directory entries
// from a file in fixtures/matrix/scenarios/, played through the client API of the real strata
// binary behaving as the first release of a path; then, at every step, the server behaving as
// that release gets its own users and messages (like Dendrite's upgrade test), and the last step
// checks that the accounts log in and every room holds exactly the messages sent to it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/status.h"

namespace strata::matrix {

struct ScenarioRoom {
  std::string name;   // the room's name; also its key in snapshots
  std::string alias;  // local part: #<alias>:<server>
  std::string topic;
  bool published = false;    // listed in the room directory
  bool invite_only = false;  // join_rules invite once its members are in
  int members = 1;           // users 1..members are joined (user 1 creates it)
  int messages = 0;          // sent by the members in turn
  bool lobby = false;        // where every step's accounts join and post their messages
};

struct Scenario {
  std::string name;
  std::string file;
  std::string user_prefix = "user";
  std::string password;
  int users = 0;
  // Listed in room_id order: the rooms are created first and given these specs in the order of
  // their ids, so which room the background updates reach first does not depend on chance.
  std::vector<ScenarioRoom> rooms;
  int release_users = 1;            // new accounts at every step
  int release_messages = 2;         // posted in the lobby by the first of them
  int published_room_messages = 1;  // sent by user 1 to every published room at every step
};

// Reads fixtures/matrix/scenarios/<name>.yaml (format documented in that folder's files).
Result<Scenario> LoadScenario(const std::string& file);

// Plays the scenario's users, rooms, memberships, messages and directory entries on a server
// listening on `port`.
Status PlayScenario(const Scenario& scenario, int port);

// One step's visit of a server behaving as the step's release, listening on `port`.
struct Visit {
  nlohmann::json public_rooms;        // POST /publicRooms as user 1, before the step's additions
  nlohmann::json checks;              // at the last step: logins and message counts, as found
  std::vector<std::string> problems;  // a failed request or check
};

// Lists the directory as user 1, adds the step's accounts, room and messages (named after
// `step_index`), and with `visited` (the indexes of every step whose server ran, this one
// included) logs in every step's accounts and every tenth scenario account, and counts every
// room's messages via /messages.
Visit VisitStep(const Scenario& scenario, int port, int step_index,
                const std::vector<int>* visited);

}  // namespace strata::matrix
