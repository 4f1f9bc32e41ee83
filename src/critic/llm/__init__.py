"""The optional LLM rewrite pass (issue 4).

Nothing here is imported by a plain review: the CLI imports these modules only when `--llm` or a configured
`[tool.critic.llm]` model asks for a rewrite, and only `provider.py` (inside functions) imports LangChain.

    settings   flags + [tool.critic.llm] -> LLMSettings (keys never come from config)
    secrets    API keys from the environment only; scrubbing of key values from every message
    failures   provider exceptions -> transient (retry) / fatal (auth, model not found) / other
    provider   init_chat_model and structured output
    prompts    the prompt files in prompts/, their version, the messages sent
    schema     the answer schema and the lenient parser
    provenance every figure and absolute in a rewrite must come from the original bullet
    verify     the rubric re-scores every candidate; only verified candidates are shown
    redact     --redact: money, percentages and names -> stable tokens, restored in the answer
    cache      on-disk cache of verified results
    cost       price table, token usage, --max-cost budget
    rewriter   concurrency, retries, attempts, variants, cache and budget around one call per candidate
    view       terminal / JSON rendering of rewrites, dry runs and the usage line
"""
