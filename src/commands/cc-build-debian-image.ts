#!/usr/bin/env node
import { bootstrapCommand } from '../cli/bootstrap-command.js';
import { runCommand } from '../cli/main.js';

runCommand(bootstrapCommand('debian'));
