using library from '../db/schema';

// The OData v4 service the project's tests drive (tests/src/cap.rs starts it).
//
// Run by hand, from tests/cap/ after `bash install.sh`:
//   npm start                      # http://127.0.0.1:4004/odata/v4/catalog/ (PORT=... to change)
//   npm run start:free-port        # the OS picks the port; a line
//                                  # `CAP_TEST_SERVER_LISTENING http://127.0.0.1:PORT` tells it
// - Database: SQLite in memory (package.json "cds.requires.db"), deployed and filled from
//   db/data/*.csv at every start, so each server starts from the same data.
// - Auth: CAP's "dummy" strategy: no credentials are asked for and every request runs as a
//   privileged user (it shows as `modifiedBy: "privileged"`).
// - Binding: 127.0.0.1 only (server.js), or $CAP_HOST.
// - Decimal and Int64 are JSON numbers; CDS_FEATURES_IEEE754COMPATIBLE=true in the server's
//   environment makes the entities' ones strings (CAP ignores IEEE754Compatible in Accept).

/**
 * The library's OData v4 service, served at /odata/v4/catalog/.
 * Every collection is paged by the server at 50 rows; $top may ask for fewer, never more.
 */
@cds.query.limit: { default: 50, max: 50 }
service CatalogService {

  /** Figures about the whole library (a function's result). */
  type Stats {
    books       : Integer;
    authors     : Integer;
    loans       : Integer;
    openLoans   : Integer;
    totalFees   : Decimal(11, 2);
    lastLoanAt  : Timestamp;
  }

  entity Authors as projection on library.Authors;

  entity Books as projection on library.Books actions {
    /** Bound action (Books has an ETag, so CAP wants If-Match here too). */
    action addStock(quantity : Integer not null) returns Books;
    /** Bound function returning a primitive: price × stock. */
    function stockValue() returns Decimal(11, 2);
    /** Bound function returning a collection: the book's loans not yet returned. */
    function openLoans() returns many Loans;
  };

  entity Chapters as projection on library.Chapters;

  entity Members as projection on library.Members;

  entity Loans as projection on library.Loans actions {
    /** Bound action on an entity without an ETag. */
    action markReturned(at : DateTime) returns Loans;
  };

  /** Unbound action (action import): lend a book to a member. */
  action lend(book : Books:ID not null, member : Members:ID not null, days : Integer) returns Loans;

  /** Unbound action returning a primitive: deletes returned loans before a date, returns how many. */
  action purgeReturned(before : Date not null) returns Integer;

  /** Unbound function with parameters returning a collection. */
  function booksByGenre(genre : library.Genre not null, maxPrice : Decimal(9, 2)) returns many Books;

  /** Unbound function returning a primitive: the fees of loans made in [from, to]. */
  function totalFees(from : Date not null, to : Date not null) returns Decimal(11, 2);

  /** Unbound function without parameters returning a complex type. */
  function libraryStats() returns Stats;
}
