package handlers

import (
	"go/ast"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestHandlersRunNoQueries keeps the rule "a handler parses, calls one
// domain function and renders": no non-test file of this package may call
// a method of GORM (a query, a transaction, a chain) other than
// (*gorm.DB).WithContext, which only binds the request's context before the
// DB is handed to a domain function. Queries belong in identity/, voting/,
// schedule/, mito/, auth/ or models/.
//
// The package is loaded with one extra file, a probe holding two queries,
// so the test also proves the check still sees them.
func TestHandlersRunNoQueries(t *testing.T) {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(dir, "zz_noquery_probe.go")
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports,
		Dir: dir,
		Overlay: map[string][]byte{probe: []byte(`package handlers

import "gorm.io/gorm"

func noQueryProbe(db *gorm.DB) int64 {
	var n int64
	db.WithContext(nil).Table("x").Count(&n)
	return n
}
`)},
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatalf("load handlers package: %v", err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("handlers package has errors")
	}
	var found, probed []string
	for _, pkg := range pkgs {
		for _, file := range pkg.Syntax {
			name := pkg.Fset.File(file.Pos()).Name()
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			for _, q := range gormCalls(pkg, file) {
				if name == probe {
					probed = append(probed, q)
				} else {
					found = append(found, q)
				}
			}
		}
	}
	want := []string{"zz_noquery_probe.go:7: (*gorm.DB).Count", "zz_noquery_probe.go:7: (*gorm.DB).Table"}
	if strings.Join(probed, "|") != strings.Join(want, "|") {
		t.Fatalf("the check no longer sees queries: probe gave %q, want %q", probed, want)
	}
	if len(found) > 0 {
		t.Errorf("handlers must not run queries; move these into a domain package and call it with s.db(c):\n  %s",
			strings.Join(found, "\n  "))
	}
}

// gormCalls lists, as "file:line: (Type).Method", every use of a method
// declared in package gorm (on *gorm.DB, or the generic API's interfaces)
// except (*gorm.DB).WithContext, plus calls of gorm.G.
func gormCalls(pkg *packages.Package, file *ast.File) []string {
	var out []string
	ast.Inspect(file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		var fn *types.Func
		var recv string
		if s := pkg.TypesInfo.Selections[sel]; s != nil {
			if s.Kind() == types.FieldVal {
				return true
			}
			fn, _ = s.Obj().(*types.Func)
			recv = types.TypeString(s.Recv(), func(p *types.Package) string { return p.Name() })
		} else if f, ok := pkg.TypesInfo.Uses[sel.Sel].(*types.Func); ok && f.Name() == "G" {
			fn, recv = f, "gorm"
		}
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "gorm.io/gorm" {
			return true
		}
		if fn.Name() == "WithContext" && (recv == "*gorm.DB" || recv == "gorm.DB") {
			return true
		}
		pos := pkg.Fset.Position(sel.Sel.Pos())
		if recv != "gorm" {
			recv = "(" + recv + ")"
		}
		out = append(out, filepath.Base(pos.Filename)+":"+strconv.Itoa(pos.Line)+": "+recv+"."+fn.Name())
		return true
	})
	return out
}
