package migrations

// step0007PattMito creates Mito's corner: quotes and titles.
var step0007PattMito = createTables("0007_patt_mito",
	table{name: "patt.mito_quotes", create: `
CREATE TABLE {{patt.mito_quotes}} (
    id SERIAL PRIMARY KEY,
    quote TEXT NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW()
)`},
	table{name: "patt.mito_titles", create: `
CREATE TABLE {{patt.mito_titles}} (
    id SERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW()
)`},
)
