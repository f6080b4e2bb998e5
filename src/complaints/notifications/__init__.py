"""Messages to complainants (receipts, updates) and the pluggable senders that deliver them."""
