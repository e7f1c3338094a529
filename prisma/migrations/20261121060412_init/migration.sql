-- CreateEnum
CREATE TYPE "key_role" AS ENUM ('admin', 'team_admin', 'member');

-- CreateEnum
CREATE TYPE "video_task_status" AS ENUM ('queued', 'in_progress', 'completed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "teams" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "max_budget_usd" DECIMAL(20,10),
    "budget_duration" TEXT,
    "budget_period_start" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rpm_limit" INTEGER,
    "tpm_limit" INTEGER,
    "allowed_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT,
    "key_hash" TEXT NOT NULL,
    "key_prefix" TEXT NOT NULL,
    "team_id" UUID,
    "role" "key_role" NOT NULL DEFAULT 'member',
    "allowed_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "max_budget_usd" DECIMAL(20,10),
    "budget_duration" TEXT,
    "budget_period_start" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rpm_limit" INTEGER,
    "tpm_limit" INTEGER,
    "expires_at" TIMESTAMPTZ(3),
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "webhook_secret_enc" TEXT,
    "previous_key_hash" TEXT,
    "previous_key_expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "models" (
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'api',
    "pricing" JSONB NOT NULL DEFAULT '{}',
    "fallbacks" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "context_window_fallbacks" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "content_policy_fallbacks" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "models_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "model_name" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "upstream_model" TEXT NOT NULL,
    "base_url" TEXT,
    "api_key_enc" TEXT,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "rpm_limit" INTEGER,
    "tpm_limit" INTEGER,
    "connect_timeout_ms" INTEGER NOT NULL DEFAULT 5000,
    "timeout_ms" INTEGER NOT NULL DEFAULT 120000,
    "stream_idle_timeout_ms" INTEGER NOT NULL DEFAULT 60000,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'api',
    "config_key" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "router_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "settings" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "router_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_records" (
    "id" UUID NOT NULL,
    "request_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "key_id" UUID,
    "team_id" UUID,
    "model" TEXT NOT NULL,
    "deployment_id" TEXT,
    "provider" TEXT,
    "upstream_model" TEXT,
    "endpoint" TEXT NOT NULL,
    "status_code" INTEGER NOT NULL,
    "error_type" TEXT,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "reasoning_tokens" INTEGER NOT NULL DEFAULT 0,
    "cached_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_write_tokens" INTEGER NOT NULL DEFAULT 0,
    "images" INTEGER NOT NULL DEFAULT 0,
    "audio_seconds" DECIMAL(14,3) NOT NULL DEFAULT 0,
    "video_seconds" DECIMAL(14,3) NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "latency_ms" INTEGER NOT NULL,
    "ttft_ms" INTEGER,
    "stream" BOOLEAN NOT NULL DEFAULT false,
    "estimated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "usage_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_daily" (
    "day" DATE NOT NULL,
    "key_id" TEXT NOT NULL DEFAULT '',
    "team_id" TEXT NOT NULL DEFAULT '',
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT '',
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "prompt_tokens" BIGINT NOT NULL,
    "completion_tokens" BIGINT NOT NULL,
    "reasoning_tokens" BIGINT NOT NULL,
    "cached_tokens" BIGINT NOT NULL,
    "video_seconds" DECIMAL(20,3) NOT NULL,
    "cost_usd" DECIMAL(24,10) NOT NULL,

    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("day","key_id","team_id","model","provider")
);

-- CreateTable
CREATE TABLE "video_tasks" (
    "id" TEXT NOT NULL,
    "key_id" UUID,
    "team_id" UUID,
    "model" TEXT NOT NULL,
    "deployment_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "upstream_model" TEXT NOT NULL,
    "upstream_task_id" TEXT,
    "dialect" TEXT NOT NULL,
    "status" "video_task_status" NOT NULL DEFAULT 'queued',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "request" JSONB NOT NULL,
    "result" JSONB,
    "error" JSONB,
    "seconds" DECIMAL(10,3),
    "size" TEXT,
    "callback_url" TEXT,
    "reservation_id" TEXT,
    "reserved_usd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(20,10),
    "settled_at" TIMESTAMPTZ(3),
    "callback_delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "video_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_logs" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor_key_id" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gemini_cached_contents" (
    "id" UUID NOT NULL,
    "deployment_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "upstream_name" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gemini_cached_contents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_previous_key_hash_key" ON "api_keys"("previous_key_hash");

-- CreateIndex
CREATE INDEX "api_keys_team_id_idx" ON "api_keys"("team_id");

-- CreateIndex
CREATE UNIQUE INDEX "deployments_config_key_key" ON "deployments"("config_key");

-- CreateIndex
CREATE INDEX "deployments_model_name_idx" ON "deployments"("model_name");

-- CreateIndex
CREATE INDEX "usage_records_created_at_idx" ON "usage_records"("created_at");

-- CreateIndex
CREATE INDEX "usage_records_key_id_created_at_idx" ON "usage_records"("key_id", "created_at");

-- CreateIndex
CREATE INDEX "usage_records_team_id_created_at_idx" ON "usage_records"("team_id", "created_at");

-- CreateIndex
CREATE INDEX "usage_records_model_created_at_idx" ON "usage_records"("model", "created_at");

-- CreateIndex
CREATE INDEX "usage_daily_day_model_idx" ON "usage_daily"("day", "model");

-- CreateIndex
CREATE INDEX "video_tasks_status_idx" ON "video_tasks"("status");

-- CreateIndex
CREATE INDEX "video_tasks_key_id_created_at_idx" ON "video_tasks"("key_id", "created_at");

-- CreateIndex
CREATE INDEX "video_tasks_team_id_created_at_idx" ON "video_tasks"("team_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "gemini_cached_contents_deployment_id_content_hash_key" ON "gemini_cached_contents"("deployment_id", "content_hash");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_model_name_fkey" FOREIGN KEY ("model_name") REFERENCES "models"("name") ON DELETE CASCADE ON UPDATE CASCADE;
