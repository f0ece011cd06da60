"""Mail merge: one personalised message per recipient, written to a mailbox or sent over SMTP.

* `recipients`: the recipients CSV file, read as a stream, every cell checked;
* `merge`: ``[[field]]`` placeholders, and the fast message factory;
* `outputs`: mbox (RFC 4155), Maildir, a folder of ``.eml`` files;
* `send`: SMTP delivery with a journal, so that a re-run sends only what was not yet accepted;
* `campaign`: what a journal's campaign is (the letter, the recipients), and what changed since.
"""

PASSWORD_ENV = "OPENLETTER_SMTP_PASSWORD"
"""The environment variable ``openletter mail --send`` reads the SMTP password from."""
