package policy

import (
	"fmt"
	"slices"
	"strings"
)

// importRuleName is the rule name of a violation of a policy file's
// allow-list of imports.
const importRuleName = "import"

// importRule is a policy file's allow-list of importable top-level modules.
type importRule struct {
	allow map[string]bool
	line  int // the policy file line of the first allow-imports directive
}

// alwaysAllowed are modules every allow-list admits: __future__ only changes
// how the code is compiled.
var alwaysAllowed = map[string]bool{"__future__": true}

// allows reports whether module, a top-level module name, may be imported.
func (ir *importRule) allows(module string) bool {
	return ir.allow[module] || alwaysAllowed[module]
}

// rule returns the rule a rejected import of module violates; its
// description names the module.
func (ir *importRule) rule(module string) *Rule {
	return &Rule{Name: importRuleName, Description: fmt.Sprintf(
		"import of %s, not in the policy's allowed imports: %s (policy file line %d)", module, ir.listing(), ir.line)}
}

// maxListed is how many allowed modules a rejection names; the rest are counted.
const maxListed = 30

// modules returns the allowed modules in order.
func (ir *importRule) modules() []string {
	mods := make([]string, 0, len(ir.allow))
	for m := range ir.allow {
		mods = append(mods, m)
	}
	slices.Sort(mods)
	return mods
}

// listing names the allowed modules for a rejection, at most maxListed of them.
func (ir *importRule) listing() string {
	mods := ir.modules()
	if len(mods) <= maxListed {
		return strings.Join(mods, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(mods[:maxListed], ", "), len(mods)-maxListed)
}

// listed is the rule as Policy.Rules lists it.
func (ir *importRule) listed() Rule {
	return Rule{Name: importRuleName, Description: fmt.Sprintf(
		"import of a module not in the policy's allowed imports (policy file line %d)", ir.line)}
}

// importState is where importScan is in an import statement.
type importState uint8

const (
	impNone     importState = iota // not in an import statement
	impModule                      // after "import" or ",": a module name comes next
	impDotted                      // after a module name or one of its parts: ".", "as" or "," may come
	impPart                        // after a "." of a dotted module name: the next part comes
	impAlias                       // after "as": the alias comes
	impAliased                     // after the alias: "," may come
	impFrom                        // after a "from" that starts a statement: dots or the module come
	impFromPath                    // in the module path of a from-import, until its "import"
)

// importScan follows import statements on the token stream and picks out the
// top-level module of each absolute import: a in "import a.b as c, d" (and
// d), a in "from a.b import c", nothing in "from . import x".
//
// "import" is a keyword, so in valid Python it only ever starts or continues
// an import statement, wherever it appears; "from" starts a from-import only
// at the start of a statement (the start of a logical line, after ";", or
// after the ":" of a one-line compound statement such as "if x: from a import
// b"), and is otherwise part of "yield from" or "raise ... from".
type importScan struct {
	state importState
	start bool // the next token starts a statement
}

// next takes the next token and returns it with true when it names the
// top-level module of an absolute import.
func (s *importScan) next(t token) (token, bool) {
	start := s.start
	s.start = t.kind == tkNewline || t.kind == tkOp && (t.text == ";" || t.text == ":")
	if s.start {
		s.state = impNone // a statement ends here (":" cannot occur in an import statement)
		return t, false
	}
	if t.kind == tkName {
		switch {
		case t.text == "import" && (s.state == impFrom || s.state == impFromPath):
			s.state = impNone // what a from-import imports are names in the module, not modules
			return t, false
		case t.text == "import":
			s.state = impModule
			return t, false
		case t.text == "from" && start:
			s.state = impFrom
			return t, false
		}
	}
	isOp := func(text string) bool { return t.kind == tkOp && t.text == text }
	switch s.state {
	case impModule:
		if t.kind == tkName {
			s.state = impDotted
			return t, true
		}
		s.state = impNone
	case impDotted:
		switch {
		case isOp("."):
			s.state = impPart
		case t.kind == tkName && t.text == "as":
			s.state = impAlias
		case isOp(","):
			s.state = impModule
		default:
			s.state = impNone
		}
	case impPart:
		s.state = impNone
		if t.kind == tkName {
			s.state = impDotted
		}
	case impAlias:
		s.state = impNone
		if t.kind == tkName {
			s.state = impAliased
		}
	case impAliased:
		s.state = impNone
		if isOp(",") {
			s.state = impModule
		}
	case impFrom:
		s.state = impFromPath
		if t.kind == tkName {
			return t, true
		}
		if !isOp(".") {
			s.state = impNone // not a from-import
		}
		// A leading dot: a relative import, nothing to check.
	}
	return t, false
}
