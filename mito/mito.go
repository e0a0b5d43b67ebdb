// Package mito owns Mito's corner: the guild's collection of quotes and
// titles for its resident healer, and the quote of the day.
package mito

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"patt/models"
)

// Fallbacks shown while the collection is empty.
const (
	FallbackQuote = "I raid like a Paladin on a charger: fashionably late, but I bring the bubble."
	FallbackTitle = "Healer Extraordinaire"
)

// QuoteOfTheDay picks one quote and one title for the day: the same for
// everyone all day (so the landing page can be cached), changing at midnight
// in the guild's zone.
func QuoteOfTheDay(db *gorm.DB, day models.Date) (quote, title string, err error) {
	quote, title = FallbackQuote, FallbackTitle
	var quotes []models.MitoQuote
	if err := db.Order("id").Find(&quotes).Error; err != nil {
		return quote, title, fmt.Errorf("list mito quotes: %w", err)
	}
	var titles []models.MitoTitle
	if err := db.Order("id").Find(&titles).Error; err != nil {
		return quote, title, fmt.Errorf("list mito titles: %w", err)
	}
	n := dayNumber(day)
	if len(quotes) > 0 {
		quote = quotes[n%len(quotes)].Quote
	}
	if len(titles) > 0 {
		// A different stride keeps quote and title from always pairing up.
		title = titles[(n*7+3)%len(titles)].Title
	}
	return quote, title, nil
}

func dayNumber(d models.Date) int {
	return int(d.In(time.UTC).Unix() / 86400)
}
