// Command minimal is the load test's yardstick: the smallest Fiber v3
// handler (200 + a short text body), so scripts/loadtest.sh can report the
// site's pages as a fraction of what the framework does on this machine.
package main

import (
	"flag"
	"log"

	"github.com/gofiber/fiber/v3"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8199", "listen address")
	flag.Parse()
	app := fiber.New()
	app.Get("/", func(c fiber.Ctx) error {
		return c.SendString("ok")
	})
	log.Fatal(app.Listen(*addr, fiber.ListenConfig{DisableStartupMessage: true}))
}
