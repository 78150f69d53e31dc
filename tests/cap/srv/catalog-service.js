// Handlers of CatalogService's actions and functions. Everything else (CRUD, $filter, $expand,
// paging, ETags) is CAP's generic OData provider.
const cds = require('@sap/cds')

const RETURNED = 2

/** The single key value of a bound operation's binding parameter (`Books('x')` -> 'x'). */
const keyOf = req => {
  const p = req.params.at(-1)
  return p !== null && typeof p === 'object' ? p.ID : p
}

const round2 = n => Math.round(Number(n) * 100) / 100

module.exports = class CatalogService extends cds.ApplicationService {
  init() {
    const { Books, Loans, Members, Authors } = this.entities

    this.on('addStock', Books, async req => {
      const { quantity } = req.data
      if (!Number.isInteger(quantity) || quantity <= 0)
        return req.reject(400, `quantity must be a positive integer, got ${quantity}`, 'quantity')
      const ID = keyOf(req)
      const n = await UPDATE(Books, ID).with({ stock: { '+=': quantity } })
      if (!n) return req.reject(404, `no book '${ID}'`)
      return SELECT.one.from(Books, ID)
    })

    this.on('stockValue', Books, async req => {
      const ID = keyOf(req)
      const book = await SELECT.one.from(Books, ID).columns('price', 'stock')
      if (!book) return req.reject(404, `no book '${ID}'`)
      return round2(Number(book.price ?? 0) * (book.stock ?? 0))
    })

    this.on('openLoans', Books, async req => {
      const ID = keyOf(req)
      if (!(await SELECT.one.from(Books, ID).columns('ID'))) return req.reject(404, `no book '${ID}'`)
      return SELECT.from(Loans).where({ book_ID: ID, status: { '!=': RETURNED } }).orderBy('ID')
    })

    this.on('markReturned', Loans, async req => {
      const ID = keyOf(req)
      const loan = await SELECT.one.from(Loans, ID).columns('ID', 'status')
      if (!loan) return req.reject(404, `no loan ${ID}`)
      if (loan.status === RETURNED) return req.reject(409, `loan ${ID} is already returned`)
      const at = req.data.at ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
      await UPDATE(Loans, ID).with({ status: RETURNED, returnedAt: at })
      return SELECT.one.from(Loans, ID)
    })

    this.on('lend', async req => {
      const { book, member, days = 14 } = req.data
      if (!Number.isInteger(days ?? 14) || (days ?? 14) <= 0)
        return req.reject(400, `days must be a positive integer, got ${days}`, 'days')
      const found = await SELECT.one.from(Books, book).columns('ID', 'stock')
      if (!found) return req.reject(404, `no book '${book}'`, 'book')
      if (!(await SELECT.one.from(Members, member).columns('ID'))) return req.reject(404, `no member ${member}`, 'member')
      if ((found.stock ?? 0) <= 0) return req.reject(409, `'${book}' is out of stock`, 'book')
      const last = await SELECT.one.from(Loans).columns('max(ID) as ID', 'max(ledgerSeq) as seq')
      const now = new Date()
      const due = new Date(now.getTime() + (days ?? 14) * 86400000)
      const loan = {
        ID: (last?.ID ?? 0) + 1,
        book_ID: book,
        member_ID: member,
        status: 1,
        loanedAt: now.toISOString(),
        dueOn: due.toISOString().slice(0, 10),
        fee: 0,
        ledgerSeq: Number(last?.seq ?? 4294967296) + 7919,
      }
      await INSERT.into(Loans).entries(loan)
      await UPDATE(Books, book).with({ stock: { '-=': 1 } })
      return SELECT.one.from(Loans, loan.ID)
    })

    this.on('purgeReturned', async req => {
      const { before } = req.data
      return DELETE.from(Loans).where({ status: RETURNED, returnedAt: { '<': before } })
    })

    this.on('booksByGenre', async req => {
      const { genre, maxPrice } = req.data
      const q = SELECT.from(Books).where({ genre }).orderBy('ID')
      if (maxPrice !== undefined && maxPrice !== null) q.where({ price: { '<=': maxPrice } })
      return q
    })

    this.on('totalFees', async req => {
      const { from, to } = req.data
      if (from > to) return req.reject(400, `from (${from}) is after to (${to})`, 'from')
      const end = new Date(Date.parse(to) + 86400000).toISOString().slice(0, 10)
      const row = await SELECT.one.from(Loans).columns('sum(fee) as total')
        .where({ loanedAt: { '>=': from } }).and({ loanedAt: { '<': end } })
      return round2(row?.total ?? 0)
    })

    this.on('libraryStats', async () => {
      const count = async (entity, where) => {
        const q = SELECT.one.from(entity).columns('count(1) as n')
        if (where) q.where(where)
        return (await q).n
      }
      const fees = await SELECT.one.from(Loans).columns('sum(fee) as total', 'max(loanedAt) as last')
      return {
        books: await count(Books),
        authors: await count(Authors),
        loans: await count(Loans),
        openLoans: await count(Loans, { status: { '!=': RETURNED } }),
        totalFees: round2(fees?.total ?? 0),
        lastLoanAt: fees?.last ?? null,
      }
    })

    return super.init()
  }
}
