package mito

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// Kind is one of Mito's two collections. Quotes and titles behave the same;
// Kind says which table and column.
type Kind string

const (
	Quotes Kind = "quotes"
	Titles Kind = "titles"
)

// Item is one quote or title.
type Item struct {
	ID   int    `json:"id"`
	Text string `json:"-"`
}

// MaxLength bounds a quote or title, in characters.
const MaxLength = 500

// Errors a caller shows to the person who typed the text.
var (
	ErrEmpty    = fault.New(fault.KindInvalid, "Please write something first.")
	ErrTooLong  = fault.Newf(fault.KindInvalid, "Keep it under %d characters.", MaxLength)
	ErrNotFound = fault.NotFound("Not found")
)

// Singular is "quote" or "title": the JSON field and the label.
func (k Kind) Singular() string { return strings.TrimSuffix(string(k), "s") }

func (k Kind) model() any {
	if k == Titles {
		return &models.MitoTitle{}
	}
	return &models.MitoQuote{}
}

func (k Kind) column() string { return k.Singular() }

// Validate trims the text and checks it fits.
func Validate(text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", ErrEmpty
	case utf8.RuneCountInString(text) > MaxLength:
		return "", ErrTooLong
	}
	return text, nil
}

// List returns the collection oldest first.
func List(db *gorm.DB, k Kind) ([]Item, error) {
	var items []Item
	err := db.Model(k.model()).Select("id", k.column()+" AS text").Order("id").Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("list mito %s: %w", k, err)
	}
	return items, nil
}

// Get returns one item, or ErrNotFound.
func Get(db *gorm.DB, k Kind, id int) (Item, error) {
	var items []Item
	err := db.Model(k.model()).Select("id", k.column()+" AS text").Where("id = ?", id).Limit(1).Scan(&items).Error
	if err != nil {
		return Item{}, fmt.Errorf("get mito %s %d: %w", k.Singular(), id, err)
	}
	if len(items) == 0 {
		return Item{}, ErrNotFound
	}
	return items[0], nil
}

// Add stores a new item after validating it.
func Add(db *gorm.DB, k Kind, text string) (Item, error) {
	text, err := Validate(text)
	if err != nil {
		return Item{}, err
	}
	var id int
	switch k {
	case Titles:
		row := models.MitoTitle{Title: text}
		err, id = db.Create(&row).Error, row.ID
	default:
		row := models.MitoQuote{Quote: text}
		err, id = db.Create(&row).Error, row.ID
	}
	if err != nil {
		return Item{}, fmt.Errorf("add mito %s: %w", k.Singular(), err)
	}
	return Item{ID: id, Text: text}, nil
}

// Update replaces an item's text; ErrNotFound when it does not exist.
func Update(db *gorm.DB, k Kind, id int, text string) (Item, error) {
	text, err := Validate(text)
	if err != nil {
		return Item{}, err
	}
	res := db.Model(k.model()).Where("id = ?", id).Update(k.column(), text)
	if res.Error != nil {
		return Item{}, fmt.Errorf("update mito %s %d: %w", k.Singular(), id, res.Error)
	}
	if res.RowsAffected == 0 {
		return Item{}, ErrNotFound
	}
	return Item{ID: id, Text: text}, nil
}

// Delete removes an item; ErrNotFound when it does not exist.
func Delete(db *gorm.DB, k Kind, id int) error {
	res := db.Where("id = ?", id).Delete(k.model())
	if res.Error != nil {
		return fmt.Errorf("delete mito %s %d: %w", k.Singular(), id, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// Pick is a random quote and title for the preview; the fallbacks stand in
// for an empty collection (HasQuote false: "No quotes yet").
type Pick struct {
	Quote    string
	HasQuote bool
	Title    string
}

// Random picks one quote and one title with r.
func Random(db *gorm.DB, r *rand.Rand) (Pick, error) {
	pick := Pick{Title: FallbackTitle}
	quotes, err := List(db, Quotes)
	if err != nil {
		return pick, err
	}
	titles, err := List(db, Titles)
	if err != nil {
		return pick, err
	}
	if len(quotes) > 0 {
		pick.Quote, pick.HasQuote = quotes[r.IntN(len(quotes))].Text, true
	}
	if len(titles) > 0 {
		pick.Title = titles[r.IntN(len(titles))].Text
	}
	return pick, nil
}
