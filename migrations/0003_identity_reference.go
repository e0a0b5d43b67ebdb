package migrations

// step0003IdentityReference creates the combat roles, classes and
// specializations tables (their rows come in 0009_reference_data).
var step0003IdentityReference = createTables("0003_identity_reference",
	table{name: "guild_identity.roles", create: `
CREATE TABLE {{guild_identity.roles}} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(30) NOT NULL UNIQUE,
    display_name VARCHAR(30) NOT NULL
)`},
	table{name: "guild_identity.classes", create: `
CREATE TABLE {{guild_identity.classes}} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(30) NOT NULL UNIQUE,
    color_hex VARCHAR(7)
)`},
	table{name: "guild_identity.specializations", create: `
CREATE TABLE {{guild_identity.specializations}} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(30) NOT NULL,
    class_id INTEGER NOT NULL REFERENCES {{guild_identity.classes}}(id),
    default_role_id INTEGER NOT NULL REFERENCES {{guild_identity.roles}}(id),
    UNIQUE (name, class_id)
)`},
)
