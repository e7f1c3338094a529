-- CreateTable
CREATE TABLE "deleted_seed_models" (
    "name" TEXT NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deleted_seed_models_pkey" PRIMARY KEY ("name")
);
