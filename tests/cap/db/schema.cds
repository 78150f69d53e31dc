// A small lending library: the data model behind the CAP test service.
namespace library;

using { cuid, managed } from '@sap/cds/common';

/** A book's genre. CAP publishes a CDS enum as its base type plus @Validation.AllowedValues. */
type Genre : String(20) enum {
  Fiction;
  Mystery;
  Fantasy;
  ScienceFiction;
  History;
  Poetry;
  Biography;
  Children;
}

/** Where a loan stands: an integer enum. */
type LoanStatus : Integer enum {
  open     = 1;
  returned = 2;
  overdue  = 3;
}

/** A postal address, kept inline in a member's row. */
type Address {
  street  : String(100);
  city    : String(60);
  zip     : String(10);
  country : String(2);
}

/** UUID key (`ID` from `cuid`). */
entity Authors : cuid, managed {
  name        : String(100) not null;
  born        : Date;
  died        : Date;
  nationality : String(2);
  books       : Association to many Books on books.author = $self;
}

/** String key: some keys hold `/`, `'`, spaces, `%` and non-ASCII letters. */
entity Books : managed {
  key ID       : String(80);
  title        : String(200) not null;
  genre        : Genre;
  author       : Association to Authors;
  price        : Decimal(9, 2);
  currency     : String(3);
  stock        : Integer default 0;
  pages        : Int16;
  published    : Date;
  rating       : Double;
  inPrint      : Boolean default true;
  /** The first bytes of the cover image (a thumbnail stand-in). */
  coverDigest  : Binary(32);
  chapters     : Composition of many Chapters on chapters.book = $self;
  loans        : Association to many Loans on loans.book = $self;
}

// The ETag: CAP answers 428 to a write without If-Match, 412 to a stale one.
annotate Books with {
  modifiedAt @odata.etag;
  genre      @assert.range; // reject values outside the enum with 400
  title      @mandatory;    // a missing title is a 400 with its target, not a database error
}

/** Composite key (book_ID, number), contained in its book by the composition above. */
entity Chapters {
  key book      : Association to Books;
  key number    : Integer;
      title     : String(200);
      wordCount : Int32;
      readingTime : Time;
}

entity Members : cuid {
  name    : String(100) not null;
  email   : String(120);
  joined  : Date;
  address : Address;
  loans   : Association to many Loans on loans.member = $self;
}

/** The large entity (120+ rows), paged by the server. */
entity Loans {
  key ID         : Integer;
      book       : Association to Books;
      member     : Association to Members;
      status     : LoanStatus default 1;
      loanedAt   : Timestamp;
      dueOn      : Date;
      returnedAt : DateTime;
      fee        : Decimal(7, 2);
      /** A running ledger sequence number: values above 2^32. */
      ledgerSeq  : Int64;
}
