-- API tokens expire (90 days unless said otherwise) and show when they were last used, so a
-- forgotten or stolen one stops working and an unused one can be seen and revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
