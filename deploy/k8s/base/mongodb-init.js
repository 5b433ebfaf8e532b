// Run by the Job tl-mongodb-init (mongodb-init.yaml): start the replica set,
// then make (or update) the backup user and one user per service.
const env = process.env;
const hosts = env.MONGO_HOSTS.split(",");
const auth = `${encodeURIComponent(env.ROOT_USER)}:${encodeURIComponent(env.ROOT_PASSWORD)}`;

function connect(uri) {
  for (let attempt = 1; ; attempt++) {
    try {
      return connect_(uri);
    } catch (error) {
      if (attempt >= 60) throw error;
      print(`waiting for ${uri.replace(/\/\/[^@]*@/, "//")}: ${error.message}`);
      sleep(5000);
    }
  }
}
function connect_(uri) {
  const db = new Mongo(uri).getDB("admin");
  db.runCommand({ping: 1});
  return db;
}

// Member 0 holds the only root user until the set exists.
let admin = connect(`mongodb://${auth}@${hosts[0]}/admin?directConnection=true`);
const status = admin.runCommand({replSetGetStatus: 1});
if (status.codeName === "NotYetInitialized") {
  admin.runCommand({replSetInitiate: {_id: "rs0", members: hosts.map((host, i) => ({_id: i, host}))}});
  print(`replica set rs0 started with ${hosts.length} member(s)`);
} else {
  const config = admin.runCommand({replSetGetConfig: 1}).config;
  const known = config.members.map((m) => m.host);
  const missing = hosts.filter((h) => !known.includes(h));
  if (missing.length) {
    let next = Math.max(...config.members.map((m) => m._id)) + 1;
    config.members.push(...missing.map((host) => ({_id: next++, host})));
    config.version += 1;
    admin = connect(`mongodb://${auth}@${hosts.join(",")}/admin?replicaSet=rs0`);
    admin.runCommand({replSetReconfig: config});
    print(`added ${missing.join(", ")}`);
  }
}
admin = connect(`mongodb://${auth}@${hosts.join(",")}/admin?replicaSet=rs0`);
for (let i = 0; !admin.hello().isWritablePrimary && !admin.hello().primary; i++) {
  if (i > 60) throw new Error("no primary after 5 minutes");
  sleep(5000);
}

function ensureUser(user, password, roles) {
  if (!user) return;
  if (admin.getUser(user)) {
    admin.updateUser(user, {pwd: password, roles});
  } else {
    admin.createUser({user, pwd: password, roles});
  }
  print(`user ${user}: ${roles.map((r) => `${r.role}@${r.db}`).join(", ")}`);
}
const platform = env.PLATFORM_DB || "tl_platform";
const service = (name, db, platformRole) => ensureUser(env[`${name}_USER`], env[`${name}_PASSWORD`], [
  {role: "readWrite", db}, {role: platformRole, db: platform}]);
service("GATEWAY", env.GATEWAY_DB || "tl_gateway", "readWrite");  // onboarding writes the registry
service("ASPIRASI", env.ASPIRASI_DB || "tl_aspirasi", "read");
service("PENCAKER", env.PENCAKER_DB || "tl_pencaker", "read");
service("PRICES", env.PRICES_DB || "tl_prices", "read");
service("NEWS", env.NEWS_DB || "tl_news", "read");
service("NOTIFICATIONS", env.NOTIFICATIONS_DB || "tl_notifications", "read");
ensureUser(env.BACKUP_USER, env.BACKUP_PASSWORD, [{role: "backup", db: "admin"}]);
