// Package handlers is the HTTP face of the platform: Fiber routes that parse
// a request, call one domain function and render a page, an htmx fragment or
// a JSON envelope. Business rules live in the domain packages.
package handlers

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/template/html/v2"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/config"
	"patt/notify"
	"patt/onboarding"
	"patt/schedule"
	"patt/views"
)

// Server holds what every handler needs.
type Server struct {
	DB      *gorm.DB
	Config  *config.Config
	Log     *slog.Logger
	Version string
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Jobs is the background-job runner, for the officers' Jobs page; nil
	// in tests that build handlers alone.
	Jobs *jobs.Runner
	// RaidHelper books raids in Raid-Helper and syncs signups (officer
	// actions); it reads its settings from the database on each use.
	RaidHelper schedule.RaidHelper
	// Onboarding is the new-member conversation's officer actions (the
	// queue on /admin/bot-settings); nil builds one without Discord.
	Onboarding *onboarding.Service
	// Notifier reaches Discord (notify.Nop without a bot); officers' rank
	// changes tell it at once (notify.RanksChanged) so Discord roles follow.
	Notifier notify.Notifier
	// RequestTimeout bounds each request, database statements included, so
	// a stuck database answers 503 instead of hanging (default 15 s).
	RequestTimeout time.Duration

	assets *assetIndex
	// pages keeps the public pages in memory between writes (page_cache.go).
	pages *pageCache
	// outage is the database outage state (outage.go).
	outage *outageWatch
	views  *html.Engine
}

// New builds the Fiber app with every middleware and route.
func New(s *Server) (*fiber.App, error) {
	if s.Now == nil {
		s.Now = func() time.Time { return time.Now().UTC() }
		if s.Config != nil {
			s.Now = s.Config.Clock()
		}
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.RequestTimeout <= 0 {
		s.RequestTimeout = 15 * time.Second
	}
	if s.Version == "" {
		s.Version = "dev"
	}
	idx, err := embeddedAssets()
	if err != nil {
		return nil, fmt.Errorf("index assets: %w", err)
	}
	s.assets = idx

	engine, err := s.newViewEngine()
	if err != nil {
		return nil, err
	}
	s.views = engine

	app := fiber.New(fiber.Config{
		AppName:      "patt",
		ErrorHandler: s.handleError,
		BodyLimit:    10 << 20,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  120 * time.Second,
		// Forwarded headers are trusted only from the configured proxies
		// (PATT_TRUSTED_PROXIES; loopback by default). The client address
		// itself is resolved by clientIP, never read raw from the header.
		TrustProxy:       true,
		TrustProxyConfig: fiber.TrustProxyConfig{Proxies: proxyList(s.Config.TrustedProxies)},
		ProxyHeader:      fiber.HeaderXForwardedFor,
	})

	app.Use(s.recoverPanics)
	app.Use(s.requestContext)
	app.Use(s.logRequests)
	app.Use(securityHeaders)
	app.Use(compressResponses)
	app.Get("/assets/*", s.serveAsset)
	app.Head("/assets/*", s.serveAsset) // monitors and caches ask HEAD first
	app.Use(s.watchOutage)
	app.Use(s.csrfProtect)
	app.Use(s.authenticate)
	app.Use(s.guardInput)

	s.routes(app)

	app.Use(s.notFound)
	return app, nil
}

func (s *Server) newViewEngine() (*html.Engine, error) {
	sub, err := fs.Sub(views.FS, ".")
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(templateFuncs(s.assets))
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	return engine, nil
}

func proxyList(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
