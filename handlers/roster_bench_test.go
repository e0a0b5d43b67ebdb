package handlers

import (
	"net/http/httptest"
	"testing"

	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

// BenchmarkPublicPages measures the cached pages through the whole app
// (middleware, cache check, layout) on SQLite with the demo guild:
//
//	go test -run - -bench PublicPages -cpuprofile cpu.out ./handlers/
func BenchmarkPublicPages(b *testing.B) {
	db, _ := dbtest.Migrated(b, models.SQLite)
	if _, err := demo.Seed(db, demo.Options{}); err != nil {
		b.Fatal(err)
	}
	t := &testing.T{}
	app, _ := testApp(t, db)
	for _, path := range []string{"/roster", "/"} {
		b.Run(path, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				resp, err := app.Test(httptest.NewRequest("GET", path, nil))
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err, resp.StatusCode)
				}
				resp.Body.Close()
			}
		})
	}
}
