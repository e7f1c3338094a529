import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { adminValidationPipe } from '../auth/admin-validation.pipe';
import { CurrentActor, type Actor } from '../auth/request-identity';
import { CreateTeamDto, TeamListQuery, UpdateTeamDto } from './dto/team.dto';
import { TeamDeletedResponse, TeamPage, TeamResponse } from './dto/team.response';
import { TeamsService } from './teams.service';

@ApiTags('Admin: teams')
@ApiBearerAuth()
@Controller('admin/teams')
@UseGuards(AdminGuard)
@UsePipes(adminValidationPipe())
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a team' })
  @ApiCreatedResponse({ type: TeamResponse })
  create(@Body() dto: CreateTeamDto, @CurrentActor() actor: Actor): Promise<TeamResponse> {
    return this.teams.create(dto, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List teams (cursor pages)' })
  @ApiOkResponse({ type: TeamPage })
  list(@Query() q: TeamListQuery): Promise<TeamPage> {
    return this.teams.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a team, with its current-period spend and budget reset time' })
  @ApiOkResponse({ type: TeamResponse })
  get(@Param('id') id: string): Promise<TeamResponse> {
    return this.teams.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a team (null clears a limit); its keys see the change at once on every replica',
  })
  @ApiOkResponse({ type: TeamResponse })
  update(
    @Param('id') id: string,
    @Body() dto: UpdateTeamDto,
    @CurrentActor() actor: Actor,
  ): Promise<TeamResponse> {
    return this.teams.update(id, dto, actor);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a team (soft); its keys stop working' })
  @ApiOkResponse({ type: TeamDeletedResponse })
  remove(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<TeamDeletedResponse> {
    return this.teams.remove(id, actor);
  }
}
