package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// pool is the connection pool, keeping the statements it reads with prepared: preparing one costs
// the embedded SQLite as much as running it, on every page.
type pool struct {
	*sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// maxStmts bounds the statements kept; past it, new ones run unprepared. Statements with more
// than manyArgs arguments (lists of ids, of many lengths, each rarely used again) are not kept.
const (
	maxStmts = 512
	manyArgs = 16
)

func newPool(db *sql.DB) *pool { return &pool{DB: db, stmts: map[string]*sql.Stmt{}} }

// stmt returns the statement kept for query, preparing it the first time, or nil when it is not
// to be kept.
func (p *pool) stmt(ctx context.Context, query string, args int) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok || args > manyArgs || len(p.stmts) >= maxStmts || p.stmts == nil {
		return st, nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = st
	return st, nil
}

// QueryContext runs a query through its prepared statement.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query, len(args))
	if err != nil || st == nil {
		return p.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a one-row query through its prepared statement.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query, len(args))
	if err != nil || st == nil {
		return p.DB.QueryRowContext(ctx, query, args...) // a failed prepare fails here again, for Scan to say
	}
	return st.QueryRowContext(ctx, args...)
}

// Close closes the statements and the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
	p.mu.Unlock()
	return p.DB.Close()
}
