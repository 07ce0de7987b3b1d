-- Input tokens the provider wrote to its prompt cache (Anthropic's
-- cache_creation_input_tokens); they are part of prompt_tokens and priced apart.
ALTER TABLE usage ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
